"""Cells of the CSV and XLSX files the application writes, safe to open in a spreadsheet.

A text that begins with `=`, `+`, `-`, `@`, a tab or a carriage return would be read as a
formula by Excel or LibreOffice ("CSV injection", OWASP): an enterprise named
`=HYPERLINK(...)` would become a live link, `=cmd|' /C calc'!A0` a command. Every writer of
the application (benxi_cp/export.py, benxi_cp/formats.py, the apps' own files) passes its text
cells through `text()`, which puts a single quote in front of such a text, as OWASP advises;
numbers (int, float, Decimal) stay numbers, and a text that is only a plain number (`-12.5`)
is left alone: it cannot be a formula. In a workbook, a text cell is also written as a
string cell (`set_text`), never a formula or an error cell, whatever it holds.
"""

import re

from django.utils.functional import Promise
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, TYPE_STRING

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d[\d,]*)?(?:\.\d+)?(?:[eE][+-]?\d+)?").fullmatch


def text(value: str) -> str:
    """`value` with a quote in front when a spreadsheet would take it for a formula."""
    if value and value.startswith(TRIGGERS) and not (value[0] in "+-" and _is_number(value)):
        return "'" + value
    return value


def _is_number(value: str) -> bool:
    return len(value) > 1 and _PLAIN_NUMBER(value) is not None and any(c.isdigit() for c in value)


def csv_value(value):
    """A CSV cell: texts neutralised, anything else (numbers, already formatted) as given.

    A carriage return inside a text becomes a line feed: Python 3.11's csv writer quotes a
    field for the characters of its own line terminator only, so a bare CR in a file ending
    its lines with LF would split the row when read back."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        return text(value).replace("\r\n", "\n").replace("\r", "\n")
    return value


def xlsx_text(value: str) -> str:
    """A text for a workbook cell: neutralised, without the control characters XLSX forbids
    (openpyxl would refuse the whole file for one of them)."""
    return text(ILLEGAL_CHARACTERS_RE.sub("", value))


def xlsx_value(value):
    """A workbook cell's value: texts neutralised; numbers, dates and None as given."""
    if isinstance(value, Promise):
        value = str(value)
    return xlsx_text(value) if isinstance(value, str) else value


def set_text(cell, value) -> None:
    """Give `cell` its value; a text is stored as a string cell, never a formula."""
    cell.value = xlsx_value(value)
    if isinstance(cell.value, str):
        cell.data_type = TYPE_STRING


def write_only_row(sheet, values) -> list:
    """A row for a write-only sheet's append(): each text as a string cell, the rest as given
    (openpyxl would make `#N/A` an error cell, and any text beginning with `=` a formula)."""
    from openpyxl.cell import WriteOnlyCell

    row = []
    for value in values:
        if isinstance(value, str):
            cell = WriteOnlyCell(sheet)
            set_text(cell, value)
            row.append(cell)
        else:
            row.append(value)
    return row
