"""Reading an uploaded CSV or XLSX file into a header and rows of text cells."""

import csv
import datetime
import io
import zipfile
from decimal import Decimal

from django.utils.translation import gettext as _


class FileRefused(Exception):
    """The file cannot be read at all; `row` is where the trouble is, when known."""

    def __init__(self, message: str, row: int | None = None):
        super().__init__(message)
        self.message = message
        self.row = row


def _cell_text(value) -> str:
    """A spreadsheet cell as the text a user would have typed into a CSV file."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    return str(value).strip()


def _read_csv(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        row = content[: error.start].count(b"\n") + 1
        raise FileRefused(
            _("the file is not UTF-8 text (save it as “CSV UTF-8”); the first bad byte is here"),
            row=row,
        ) from None
    try:
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as error:
        raise FileRefused(_("the CSV file cannot be read: %(error)s") % {"error": error}) from None


def _read_xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise FileRefused(
            _("the XLSX file cannot be opened; is it a real Excel workbook?")
        ) from None
    try:
        sheet = workbook.worksheets[0]
        return [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def read_table(content: bytes, filename: str) -> tuple[list[str], list[list[str]]]:
    """The header (lower-cased names) and the data rows of a CSV or XLSX file.

    Rows keep their position (row 2 is the first data row) even when blank, so that
    messages name the row a spreadsheet user sees; fully blank rows come back empty.
    """
    is_xlsx = filename.lower().endswith(".xlsx") or content[:4] == b"PK\x03\x04"
    rows = _read_xlsx(content) if is_xlsx else _read_csv(content)
    if not rows or not any(rows[0]):
        raise FileRefused(_("the file has no header row"), row=1)
    header = [name.strip().lower() for name in rows[0]]
    while header and not header[-1]:
        header.pop()
    data = []
    for row in rows[1:]:
        cells = [c.strip() if isinstance(c, str) else _cell_text(c) for c in row]
        data.append(cells if any(cells) else [])
    return header, data
