"""CSV and XLSX downloads of a django-tables2 table: what the user filtered, all pages."""

import csv
import itertools
import tempfile
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.encoding import force_str
from django_tables2.rows import BoundRow
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from benxi_cp import safecells

FORMATS = ("csv", "xlsx")
CHUNK_ROWS = 2000  # rows fetched from the database at a time while exporting
WIDTH_SAMPLE_ROWS = 500  # XLSX column widths follow the header and the first rows
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


def _csv_cell(value):
    """A CSV cell: plain, and a text a spreadsheet would run as a formula neutralised."""
    return safecells.csv_value(_plain(value))


def csv_response(rows: Iterable[Iterable], filename: str) -> StreamingHttpResponse:
    """Stream rows as UTF-8 CSV with a BOM, so that Excel shows Chinese names correctly;
    texts that a spreadsheet would run as formulas are neutralised (benxi_cp/safecells.py)."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"
        for row in rows:
            yield writer.writerow([_csv_cell(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(rows: Iterable[Iterable], filename: str, title: str = "Sheet1") -> HttpResponse:
    """Write rows to a one-sheet workbook; the first row is the bold header. Texts are string
    cells, neutralised like the CSV's (benxi_cp/safecells.py), never formulas.

    openpyxl's write-only mode streams rows to a temporary file; only the first rows are
    held in memory, to size the columns (widths must be set before the first row is written)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    rows = iter(rows)
    sample = [[_plain(v) for v in row] for row in itertools.islice(rows, WIDTH_SAMPLE_ROWS + 1)]
    widths: dict[int, int] = {}
    for values in sample:
        for col, value in enumerate(values):
            widths[col] = max(widths.get(col, 8), min(60, len(str(value)) * 2 + 2))
    for col, width in widths.items():
        sheet.column_dimensions[get_column_letter(col + 1)].width = width
    sheet.freeze_panes = "A2"
    for index, values in enumerate(sample):
        if index == 0:
            header = []
            for value in values:
                cell = WriteOnlyCell(sheet)
                safecells.set_text(cell, value)
                cell.font = Font(bold=True)
                header.append(cell)
            sheet.append(header)
        else:
            sheet.append(safecells.write_only_row(sheet, values))
    for row in rows:
        sheet.append(safecells.write_only_row(sheet, [_plain(v) for v in row]))
    # The rows go to disk; the response holds the compressed file only.
    with tempfile.TemporaryFile() as output:
        workbook.save(output)
        output.seek(0)
        response = HttpResponse(output.read(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def table_values(table) -> Iterator[list]:
    """The header and every row of `table` as plain values, like django-tables2's
    `as_values()`, but fetched from the database in chunks: memory stays flat whatever the
    number of rows (as_values() would load the whole queryset)."""
    excluded = getattr(table, "exclude_from_export", ())
    columns = [
        column
        for column in table.columns.iterall()
        if not (column.column.exclude_from_export or column.name in excluded)
    ]
    yield [force_str(column.header, strings_only=True) for column in columns]
    data = table.data.data
    records = data.iterator(chunk_size=CHUNK_ROWS) if isinstance(data, QuerySet) else data
    for record in records:
        row = BoundRow(record, table=table)
        yield [force_str(row.get_cell_value(column.name), strings_only=True) for column in columns]


def table_response(table, fmt: str, name: str):
    """Export every row of `table` (not only the shown page) in `fmt`."""
    filename = f"{name}-{timezone.localdate():%Y%m%d}"
    rows = table_values(table)
    if fmt == "csv":
        return csv_response(rows, filename)
    return xlsx_response(rows, filename, title=name)
