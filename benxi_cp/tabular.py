"""Reading an uploaded CSV or XLSX file into a header and rows of text cells, row by row.

The file is never held whole as Python objects: a CSV file is read from its bytes (or from
the spooled file) one row at a time, each time it is iterated; an XLSX workbook is read
once by openpyxl's streaming reader and its first sheet written to a temporary CSV file,
which is then read the same way. Before anything is parsed the file is checked against the
limits of the settings (docs/operations.md, "Imports and background tasks"): its size, and for a
workbook the uncompressed size of its parts and each sheet's declared dimension, read from
the zip directory and the sheet's `<dimension ref>` (a zip bomb is refused from its
directory, without inflating it). The number of rows is checked as they are read, whatever
a sheet declares: a sheet without a `<dimension>` is never scanned whole to find its size.

A file that cannot be parsed (a workbook of broken XML, a forged zip directory, a cell with a
NUL byte or another control character) is refused with a message (`FileRefused`), never an
exception that escapes: the same message in the page and in a background job.
"""

import csv
import datetime
import io
import re
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

from django.conf import settings
from django.utils.translation import gettext as _

from benxi_cp.validators import control_character

# The beginning of a sheet's XML that is read to find its <dimension ref="A1:H200"/>: it
# comes before the rows (ECMA-376 orders the children of <worksheet>).
DIMENSION_PROBE_BYTES = 64 * 1024
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Za-z]+[0-9]+(?::[A-Za-z]+[0-9]+)?)"')
_SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")


# What openpyxl and zipfile raise on a file that is not the workbook it claims to be: a
# broken zip (or one whose directory lies about its parts: a short part, a bad CRC), XML
# that does not parse (ElementTree's ParseError and lxml's XMLSyntaxError are SyntaxErrors),
# a part that is missing or of the wrong shape.
UNREADABLE = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    SyntaxError,
    KeyError,
    IndexError,
    AttributeError,
    TypeError,
    ValueError,
    OSError,
)


class FileRefused(Exception):
    """The file cannot be read at all; `row` is where the trouble is, when known."""

    def __init__(self, message: str, row: int | None = None):
        super().__init__(message)
        self.message = message
        self.row = row


def max_bytes() -> int:
    return settings.BENXI_IMPORT_MAX_BYTES


def max_rows() -> int:
    return settings.BENXI_IMPORT_MAX_ROWS


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


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def _open_binary(source: bytes | Path):
    return io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")  # noqa: SIM115


def _size(source: bytes | Path) -> int:
    return len(source) if isinstance(source, bytes) else Path(source).stat().st_size


def is_xlsx(source: bytes | Path, filename: str) -> bool:
    if filename.lower().endswith(".xlsx"):
        return True
    with _open_binary(source) as file:
        return file.read(4) == b"PK\x03\x04"


def check_limits(source: bytes | Path, filename: str) -> None:
    """Refuse, before parsing, a file over the size limit, and a workbook whose parts would
    inflate past the unpacked limit or whose sheets declare more rows or columns than
    allowed. Reads the zip directory and the first bytes of each sheet only."""
    size = _size(source)
    if size > max_bytes():
        raise FileRefused(
            _("the file is %(size)s MB, more than the %(limit)s MB allowed")
            % {"size": _megabytes(size), "limit": _megabytes(max_bytes())}
        )
    if not is_xlsx(source, filename):
        return
    from openpyxl.utils.cell import range_boundaries

    try:
        with _open_binary(source) as file, zipfile.ZipFile(file) as archive:
            parts = archive.infolist()
            unpacked = sum(part.file_size for part in parts)
            if unpacked > settings.BENXI_IMPORT_MAX_UNPACKED_BYTES:
                raise FileRefused(
                    _(
                        "the workbook unpacks to %(size)s MB, more than the %(limit)s MB "
                        "allowed; save it again, or as CSV"
                    )
                    % {
                        "size": _megabytes(unpacked),
                        "limit": _megabytes(settings.BENXI_IMPORT_MAX_UNPACKED_BYTES),
                    }
                )
            for part in parts:
                if not _SHEET_PART.fullmatch(part.filename):
                    continue
                with archive.open(part) as sheet:
                    found = _DIMENSION.search(sheet.read(DIMENSION_PROBE_BYTES))
                if not found:
                    continue  # no declared dimension: the rows are counted as they are read
                _min_col, _min_row, last_col, last_row = range_boundaries(found.group(1).decode())
                if (last_row or 0) > max_rows() + 1:
                    raise FileRefused(
                        _(
                            "a sheet of the workbook has %(rows)s rows; at most %(limit)s "
                            "are allowed"
                        )
                        % {"rows": last_row - 1, "limit": max_rows()}
                    )
                if (last_col or 0) > settings.BENXI_IMPORT_MAX_COLUMNS:
                    raise FileRefused(
                        _(
                            "a sheet of the workbook has %(columns)s columns; at most "
                            "%(limit)s are allowed"
                        )
                        % {"columns": last_col, "limit": settings.BENXI_IMPORT_MAX_COLUMNS}
                    )
    except UNREADABLE:
        raise FileRefused(_unreadable_workbook()) from None


def parse_size(source: bytes | Path, filename: str) -> int:
    """The bytes the parser reads to go through the file: a CSV file's size; a workbook's
    sheets and shared strings uncompressed, from its zip directory (a workbook of 1 MB may
    hold 800,000 rows). Call after `check_limits`."""
    if not is_xlsx(source, filename):
        return _size(source)
    try:
        with _open_binary(source) as file, zipfile.ZipFile(file) as archive:
            return sum(part.file_size for part in archive.infolist())
    except UNREADABLE:
        raise FileRefused(_unreadable_workbook()) from None


def _unreadable_workbook() -> str:
    return _("the XLSX file cannot be opened; is it a real Excel workbook?")


def _broken_workbook() -> str:
    return _(
        "the XLSX file is damaged: its content cannot be read (save it again from Excel, or as CSV)"
    )


def _control_character(cells: list[str]) -> str | None:
    """The first control character of the cells (benxi_cp/validators.py), as U+XXXX."""
    for cell in cells:
        found = control_character(cell)
        if found:
            return found
    return None


def _refuse_control_character(character: str, row: int) -> FileRefused:
    return FileRefused(
        _(
            "the row holds a control character (%(character)s, a NUL byte or another "
            "invisible character) that no column accepts; remove it"
        )
        % {"character": character},
        row=row,
    )


def _too_many_rows() -> FileRefused:
    return FileRefused(
        _("the file has more than %(limit)s data rows; split it into several files")
        % {"limit": max_rows()},
        row=max_rows() + 2,
    )


def _bad_byte_row(source: bytes | Path) -> int:
    """The line of the first byte that is not UTF-8 (a line never splits a UTF-8 sequence)."""
    with _open_binary(source) as file:
        for number, line in enumerate(file, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 1


class Table:
    """A file's header (lower-cased names) and, each time `rows()` is called, its data rows
    from the first one, read one at a time.

    Rows keep their position (row 2 is the first data row) even when blank, so that
    messages name the row a spreadsheet user sees; fully blank rows come back empty.
    """

    def __init__(self, source: bytes | Path, filename: str, sheet: str | None = None):
        """`sheet`: the name of the workbook's sheet to read (the first one by default)."""
        check_limits(source, filename)
        self._spool = None
        if is_xlsx(source, filename):
            self._spool = _xlsx_to_csv(source, sheet)
            self.source: bytes | Path = Path(self._spool.name)
        else:
            self.source = source
        first = next(self._raw_rows(), None)
        if not first or not any(first):
            raise FileRefused(_("the file has no header row"), row=1)
        character = _control_character(first)
        if character:
            raise _refuse_control_character(character, row=1)
        header = [name.strip().lower() for name in first]
        while header and not header[-1]:
            header.pop()
        if len(header) > settings.BENXI_IMPORT_MAX_COLUMNS:
            raise FileRefused(
                _("the file has %(columns)s columns; at most %(limit)s are allowed")
                % {"columns": len(header), "limit": settings.BENXI_IMPORT_MAX_COLUMNS},
                row=1,
            )
        self.header = header

    def close(self) -> None:
        if self._spool is not None:
            self._spool.close()
            self._spool = None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _raw_rows(self) -> Iterator[list[str]]:
        with _open_binary(self.source) as binary:
            text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
            reader = csv.reader(text)
            try:
                yield from reader
            except UnicodeDecodeError:
                raise FileRefused(
                    _(
                        "the file is not UTF-8 text (save it as “CSV UTF-8”); the first bad "
                        "byte is here"
                    ),
                    row=_bad_byte_row(self.source),
                ) from None
            except csv.Error as error:
                raise FileRefused(
                    _("the CSV file cannot be read: %(error)s") % {"error": error},
                    row=reader.line_num or None,
                ) from None

    def rows(self) -> Iterator[list[str]]:
        """The data rows (after the header), stripped; at most the row limit."""
        raw = self._raw_rows()
        next(raw, None)
        limit = max_rows()
        for count, row in enumerate(raw, start=1):
            if count > limit:
                raise _too_many_rows()
            # One search of the row's text, not one a cell: the first control character of
            # the joined cells is the first of the cells.
            character = control_character("".join(row))
            if character:
                raise _refuse_control_character(character, row=count + 1)
            cells = [cell.strip() for cell in row]
            yield cells if any(cells) else []


def sheet_names(source: bytes | Path, filename: str) -> list[str]:
    """The names of a workbook's sheets, in their order (after the limits' check)."""
    from openpyxl import load_workbook

    check_limits(source, filename)
    _bound_openpyxl()
    try:
        with _open_binary(source) as binary:
            workbook = load_workbook(binary, read_only=True, data_only=True)
            try:
                return list(workbook.sheetnames)
            finally:
                workbook.close()
    except UNREADABLE:
        raise FileRefused(_unreadable_workbook()) from None


def _xlsx_to_csv(source: bytes | Path, sheet: str | None = None):
    """A sheet of a workbook (the first, unless named), read by openpyxl's streaming reader,
    as a temporary UTF-8 CSV file (the rows of text a user would have typed); the row limit
    is checked as the rows come."""
    from openpyxl import load_workbook

    _bound_openpyxl()
    try:
        with _open_binary(source) as binary:
            try:
                workbook = load_workbook(binary, read_only=True, data_only=True)
            except UNREADABLE:
                raise FileRefused(_unreadable_workbook()) from None
            spool = tempfile.NamedTemporaryFile(  # noqa: SIM115  (closed by Table.close)
                mode="w+", encoding="utf-8", newline="", suffix=".csv"
            )
            try:
                writer = csv.writer(spool)
                limit = max_rows() + 1  # and the header
                worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
                # Every row is read, whatever the sheet declares (a forged dimension of one
                # row would hide the others); the limit is counted here. The declared
                # columns (within the limit) still pad the rows.
                worksheet._max_row = None
                for count, row in enumerate(worksheet.iter_rows(values_only=True), start=1):
                    if count > limit:
                        raise _too_many_rows()
                    cells = [_cell_text(value) for value in row]
                    writer.writerow(cells if any(cells) else [])
                spool.flush()
            except BaseException:
                spool.close()
                raise
            finally:
                workbook.close()
    except UNREADABLE:
        raise FileRefused(_broken_workbook()) from None
    return spool


def _declared_dimensions(worksheet) -> None:
    """A read-only sheet's declared size, read from the XML before its rows only. openpyxl's
    own reading goes on to the end of `<sheetData>` when the sheet declares none: a scan of
    the whole sheet, in the request, before a single row is counted."""
    from openpyxl.utils.cell import range_boundaries

    source = worksheet._get_source()
    try:
        for _event, element in ElementTree.iterparse(source, events=("start",)):
            name = element.tag.rpartition("}")[2]
            if name == "dimension":
                bounds = range_boundaries(element.get("ref", ""))
                if None not in bounds:
                    (
                        worksheet._min_column,
                        worksheet._min_row,
                        worksheet._max_column,
                        worksheet._max_row,
                    ) = bounds
                return
            if name == "sheetData":
                return
    finally:
        source.close()


def _bound_openpyxl() -> None:
    """Have openpyxl's read-only sheets find their size without scanning them (above)."""
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    ReadOnlyWorksheet._get_size = _declared_dimensions


def read_table(content: bytes, filename: str) -> tuple[list[str], list[list[str]]]:
    """The header and every data row of a small file, as lists (for the callers that want
    them whole: a batch of an API request, a test). Imports read rows with `Table`."""
    with Table(content, filename) as table:
        return table.header, list(table.rows())
