"""CSV and XLSX downloads of a django-tables2 table: what the user filtered, all pages."""

import csv
from collections.abc import Iterable, Iterator
from io import BytesIO

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def _plain(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def csv_response(rows: Iterable[Iterable], filename: str) -> StreamingHttpResponse:
    """Stream rows as UTF-8 CSV with a BOM, so that Excel shows Chinese names correctly."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"
        for row in rows:
            yield writer.writerow([_plain(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(rows: Iterable[Iterable], filename: str, title: str = "Sheet1") -> HttpResponse:
    """Write rows to a one-sheet workbook; the first row is the bold header."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    widths: dict[int, int] = {}
    body = []
    for index, row in enumerate(rows):
        values = [_plain(v) for v in row]
        for col, value in enumerate(values):
            widths[col] = max(widths.get(col, 8), min(60, len(str(value)) * 2 + 2))
        if index == 0:
            header = []
            for value in values:
                cell = WriteOnlyCell(sheet, value=value)
                cell.font = Font(bold=True)
                header.append(cell)
            body.append(header)
        else:
            body.append(values)
    # Column widths must be set before the first row is written in write-only mode.
    from openpyxl.utils import get_column_letter

    for col, width in widths.items():
        sheet.column_dimensions[get_column_letter(col + 1)].width = width
    sheet.freeze_panes = "A2"
    for row in body:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def table_response(table, fmt: str, name: str):
    """Export every row of `table` (not only the shown page) in `fmt`."""
    filename = f"{name}-{timezone.localdate():%Y%m%d}"
    rows = table.as_values(exclude_columns=getattr(table, "exclude_from_export", ()))
    if fmt == "csv":
        return csv_response(rows, filename)
    return xlsx_response(rows, filename, title=name)
