"""The import formats and the apps' other file contracts (docs/formats/), as pages and templates.

The format documents are Markdown files in the repository, the contract other systems rely
on; `render_markdown` shows them as HTML (the few constructs they use: headings,
paragraphs, lists, tables, code blocks and `code`). `template_csv` and `template_xlsx` make
the empty files an importer accepts: its header row and, in the workbook, a drop-down list
on each coded column with the codes the importer itself accepts (Importer.column_choices).
"""

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from benxi_cp import safecells
from benxi_cp.importers import Importer, column_label, get_importer
from benxi_cp.registry import registry

FORMATS_DIR = settings.SHARED_DIR / "docs" / "formats"


@dataclass(frozen=True)
class Document:
    """A document of docs/formats/ served as a page, by the name in its URL (its file name
    without ".md"); each app registers its formats' documents (registry.format_documents),
    listed in their `order`."""

    name: str
    order: int = 100


def documents() -> tuple[str, ...]:
    """The names of the documents served as pages, in their order."""
    return tuple(document.name for document in registry.format_documents)


def __getattr__(name: str):
    # `DOCUMENTS`: read from the registry when asked, as the constant was.
    if name == "DOCUMENTS":
        return documents()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


LISTS_SHEET = "lists"  # the hidden sheet holding the drop-down lists' codes
COLUMNS_SHEET = "columns"  # the sheet naming each column in the user's language
LAST_ROW = 1_048_576  # a drop-down applies to every data row a sheet can have


def document_text(name: str) -> str:
    """The Markdown text of a format document; KeyError for a name that is not one."""
    if name not in registry.format_documents:
        raise KeyError(name)
    return (FORMATS_DIR / f"{name}.md").read_text(encoding="utf-8")


def document_title(text: str) -> str:
    """The text of the document's first heading."""
    first = text.lstrip().splitlines()[0] if text.strip() else ""
    return first.lstrip("#").strip()


def document_body(text: str) -> str:
    """The document without its first heading (the page shows it as its title)."""
    lines = text.lstrip().splitlines()
    return "\n".join(lines[1:] if lines and lines[0].startswith("#") else lines)


# -- Markdown, the part the format documents use ---------------------------------------------
_DOCUMENT_LINK = re.compile(r"^([a-z-]+|README)\.md$")


def _inline(text: str) -> str:
    """Escaped text with `code` spans; a span naming a format document links to its page."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unmatched backtick stays a backtick
        parts[-2:] = ["`".join(parts[-2:])]
    html = []
    for index, part in enumerate(parts):
        if index % 2 == 0:
            html.append(escape(part))
            continue
        match = _DOCUMENT_LINK.match(part)
        if match and match.group(1) in registry.format_documents:
            url = reverse("format_document", args=[match.group(1)])
            html.append(f'<a href="{url}"><code>{escape(part)}</code></a>')
        else:
            html.append(f"<code>{escape(part)}</code>")
    return "".join(html)


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _table(lines: list[str], label: Callable[[str], str | None] | None = None) -> str:
    """A table; a table of a file's columns (its first heading "column") gets, beside each
    column, its name in the user's language when `label` gives one."""
    header, body = _cells(lines[0]), lines[1:]
    if body and set(body[0].replace("|", "").strip()) <= set("-: "):
        body = body[1:]  # the separator row
    named = label is not None and header[:1] == ["column"]
    language = escape(get_language() or "")
    html = ['<div class="table-responsive"><table class="table table-sm table-bordered">']
    heads = [f"<th>{_inline(c)}</th>" for c in header]
    if named:
        heads.insert(1, f'<th lang="{language}">{escape(pgettext("import column", "name"))}</th>')
    html.append("<thead><tr>" + "".join(heads) + "</tr></thead>")
    html.append("<tbody>")
    for line in body:
        cells = _cells(line)
        row = [f"<td>{_inline(c)}</td>" for c in cells]
        if named:
            name = label(cells[0]) if cells else None
            row.insert(1, f'<td class="column-label" lang="{language}">{escape(name or "")}</td>')
        html.append("<tr>" + "".join(row) + "</tr>")
    html.append("</tbody></table></div>")
    return "".join(html)


def render_markdown(text: str, label: Callable[[str], str | None] | None = None) -> SafeString:
    """HTML of the Markdown subset the format documents are written in; all text escaped.
    `label` names a file's column in the user's language, in the tables of columns."""
    blocks: list[str] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
        elif line.startswith("#"):
            level = min(len(line) - len(line.lstrip("#")) + 1, 6)
            blocks.append(f"<h{level}>{_inline(line.lstrip('#').strip())}</h{level}>")
            i += 1
        elif line.startswith("    "):
            code = []
            while i < len(lines) and (lines[i].startswith("    ") or not lines[i].strip()):
                code.append(lines[i][4:])
                i += 1
            blocks.append(f"<pre><code>{escape(chr(10).join(code).strip(chr(10)))}</code></pre>")
        elif line.lstrip().startswith("|"):
            table = []
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                table.append(lines[i])
                i += 1
            blocks.append(_table(table, label))
        elif line.startswith("- "):
            items: list[str] = []
            while i < len(lines) and (
                lines[i].startswith("- ") or (items and lines[i].startswith("  "))
            ):
                if lines[i].startswith("- "):
                    items.append(lines[i][2:].strip())
                else:
                    items[-1] += " " + lines[i].strip()
                i += 1
            blocks.append("<ul>" + "".join(f"<li>{_inline(item)}</li>" for item in items) + "</ul>")
        else:
            paragraph = []
            while (
                i < len(lines)
                and lines[i].strip()
                and not lines[i].startswith(("#", "    ", "- ", "|"))
            ):
                paragraph.append(lines[i].strip())
                i += 1
            blocks.append(f"<p>{_inline(' '.join(paragraph))}</p>")
    return mark_safe("\n".join(blocks))  # noqa: S308  (every piece of text went through escape)


# -- template files ---------------------------------------------------------------------------
def template_csv(importer: Importer) -> bytes:
    """The header row, UTF-8 with a BOM so that a spreadsheet opens it as UTF-8."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(
        [safecells.csv_value(name) for name in importer.template_columns()]
    )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx(importer: Importer) -> bytes:
    """The header row on the first sheet, with a drop-down list on every coded column; an
    import of several parts (`Importer.parts`), a sheet of each part's header.

    The lists' codes sit in a hidden sheet (an in-cell list is limited to 255 characters);
    the importers never read it. A value outside the list gets a warning, not a refusal,
    since the importer also accepts the codes' labels. Each header cell carries a note with
    the column's name in the user's language, and the sheet `columns` lists them all.
    """
    workbook = Workbook()
    sheets = [(part, get_importer(part)(user=importer.user)) for part in importer.parts] or [
        (str(importer.kind)[:31], importer)
    ]
    lists = None
    notes = []
    list_column = 0
    for index, (title, part) in enumerate(sheets):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = title
        if lists is None:
            lists = workbook.create_sheet(LISTS_SHEET)
            lists.sheet_state = "hidden"
        list_column = _header_sheet(sheet, part, lists, list_column)
        notes.extend(
            (title, name, part.columns.get(name, False)) for name in part.template_columns()
        )
    _columns_sheet(workbook.create_sheet(COLUMNS_SHEET), notes, several=len(sheets) > 1)
    workbook.move_sheet(lists, offset=len(workbook.sheetnames) - 1 - workbook.index(lists))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _header_sheet(sheet, importer: Importer, lists, list_column: int) -> int:
    """Write `importer`'s header row on `sheet`, its codes' lists on `lists` from the column
    after `list_column`; the last list column used."""
    columns = importer.template_columns()
    choices = importer.column_choices()
    bold = Font(bold=True)
    for index, name in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        safecells.set_text(cell, name)
        cell.font = bold
        label = column_label(name, importer.kind)
        if label:
            cell.comment = Comment(label, "Benxi CP")
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(name) + 4)
    sheet.freeze_panes = "A2"
    for index, name in enumerate(columns, start=1):
        codes = choices.get(name)
        if not codes:
            continue
        list_column += 1
        letter = get_column_letter(list_column)
        safecells.set_text(lists.cell(row=1, column=list_column), name)
        for row, code in enumerate(codes, start=2):
            safecells.set_text(lists.cell(row=row, column=list_column), code)
        source = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(codes) + 1}"
        validation = DataValidation(
            type="list", formula1=source, allow_blank=True, errorStyle="warning"
        )
        validation.error = ", ".join(codes)[:255]
        validation.showErrorMessage = True
        target = get_column_letter(index)
        validation.add(f"{target}2:{target}{LAST_ROW}")
        sheet.add_data_validation(validation)
    return list_column


def _columns_sheet(sheet, notes: list[tuple[str, str, bool]], several: bool) -> None:
    """Each column's header and its name in the user's language (and, for a workbook of
    several sheets, its sheet): what the header's notes say, as a list."""
    bold = Font(bold=True)
    heads = [_("column"), pgettext("import column", "name"), _("required")]
    if several:
        heads.insert(0, _("sheet"))
    for index, head in enumerate(heads, start=1):
        safecells.set_text(sheet.cell(row=1, column=index), head)
        sheet.cell(row=1, column=index).font = bold
    for row, (title, name, required) in enumerate(notes, start=2):
        values = [name, column_label(name, title) or "", _("yes") if required else ""]
        if several:
            values.insert(0, title)
        for index, value in enumerate(values, start=1):
            safecells.set_text(sheet.cell(row=row, column=index), value)
    for index, width in enumerate([14, 30, 36, 10][: len(heads)], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
