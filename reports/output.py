"""An annual form (reports/annual.py) as a page context, a PDF, an XLSX workbook or a CSV file.

Every format is written from the same tables, so they hold the same figures. The PDF is
made by WeasyPrint from the same HTML document as the page, with the A4 print stylesheet;
its Chinese text is set in Noto Serif CJK SC, which WeasyPrint embeds.
"""

from __future__ import annotations

import copy
import csv
import dataclasses
import datetime
import io
import json
from decimal import Decimal
from html import escape

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from benxi_cp import datacache, safecells
from reports import annual
from reports.annual import DATE, DEC1, DEC2, INT, LIGHT, TEXT, AnnualForm, Column, Table
from reports.choices import FORM_NUMBERS

FORMATS = ("pdf", "xlsx", "csv")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
STYLESHEETS = ("reports/form.css", "reports/form-print.css")
NUMERIC = (INT, DEC1, DEC2)


def format_value(value, kind: str) -> str:
    """A cell as the page and the PDF write it; an empty figure is a dash."""
    if value is None or value == "":
        return "" if kind == TEXT else "—"
    if kind == LIGHT:
        return str(value[1])
    if kind == INT:
        return f"{int(value):,}"
    if kind == DEC1:
        return f"{Decimal(value):,.1f}"
    if kind == DEC2:
        return f"{Decimal(value):,.2f}"
    if kind == DATE and isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def cell_kind(row: dict, column) -> str:
    return row.get("_kind", column.kind) if column.key == "value" else column.kind


def group_html(row: dict, table) -> str:
    """A heading row (an enterprise's block) as HTML, its text escaped."""
    return (
        f'<tr class="group-row"><th scope="rowgroup" colspan="{len(table.columns)}">'
        f"{escape(str(row['_group']))}</th></tr>"
    )


def row_html(cells: list[dict]) -> str:
    """A body row's cells as HTML, every text escaped. Written here rather than by a template
    loop: the discharge form has a row per enterprise and pollutant, tens of thousands at
    province scale, and the template engine would take seconds over them."""
    parts = []
    for cell in cells:
        kind = "num" if cell["numeric"] else "wrap" if cell["wrap"] else "text"
        dot = f'<span class="dot dot-{escape(cell["light"])}"></span>' if cell["light"] else ""
        parts.append(f'<td class="{kind}">{dot}{escape(cell["text"])}</td>')
    return "<tr>" + "".join(parts) + "</tr>"


def row_writer(columns):
    """A function writing a body row of `columns` as HTML, exactly as row_html writes the
    cells document_context would make of it, but without making them: the discharge form
    has tens of thousands of rows at province scale. Numbers are written from digits,
    separators and dashes only, so only texts are escaped (each distinct text once)."""
    specs = [(c.key, c.kind, c.key == "value", c.kind == LIGHT, c.wrap) for c in columns]
    escaped: dict[str, str] = {}

    def write(row: dict) -> str:
        parts = ["<tr>"]
        for key, kind, varies, light, wrap in specs:
            if varies:
                kind = row.get("_kind", kind)
            value = row.get(key)
            if kind in NUMERIC:
                if kind == DEC2 and type(value) is Decimal:
                    text = f"{value:,.2f}"
                else:
                    text = format_value(value, kind)
                opening = '<td class="num">'
            else:
                text = format_value(value, kind)
                if (cached := escaped.get(text)) is None:
                    cached = escaped[text] = escape(text)
                text = cached
                opening = '<td class="wrap">' if wrap else '<td class="text">'
            dot = row[key][0] if light else ""
            if dot:
                opening += f'<span class="dot dot-{escape(dot)}"></span>'
            parts.append(f"{opening}{text}</td>")
        parts.append("</tr>")
        return "".join(parts)

    return write


def document_context(form: AnnualForm, produced_on: datetime.date | None = None) -> dict:
    """What the form's document template needs, whether on the page or in the PDF. Each
    table's rows as HTML (`row_writer`, `group_html`), and its body in one piece."""
    tables = []
    for table in form.tables:
        rows = []
        write = row_writer(table.columns)
        for row in table.rows:
            if "_group" in row:
                rows.append({"group": row["_group"], "html": group_html(row, table)})
            else:
                rows.append({"group": None, "html": write(row)})
        total = None
        if table.total is not None:
            total = [
                {
                    "text": format_value(table.total.get(c.key), c.kind),
                    "numeric": c.kind in (INT, DEC1, DEC2),
                }
                for c in table.columns
            ]
        # The body in one piece, each text escaped by group_html and row_writer.
        body = mark_safe("\n".join(row["html"] for row in rows))  # noqa: S308
        tables.append(
            {
                "table": table,
                "header": table.header_rows(),
                "rows": rows,
                "body": body,
                "total": total,
            }
        )
    return {
        "form": form,
        "tables": tables,
        "office": settings.PRODUCING_OFFICE,
        "produced_on": produced_on or timezone.localdate(),
    }


# The form on screen: a page of each table's rows at a time, with the table's totals; the
# whole form is in the downloads (at province scale the discharge form runs to megabytes).
PAGE_ROWS = 200


@datacache.figure(
    "form-page", depends=lambda name, year, today, rows, *volume: annual.FORM_SCOPES[name]
)
def form_page(
    name: str,
    year: int,
    today: datetime.date,
    rows: int = PAGE_ROWS,
    district: str = "",
    sector: str = "",
) -> dict:
    """The page's parts of the form `name` for `year` as of `today` (`page_parts`), of the
    volume (`district`, `sector`) if given: written once per change of what the form reads
    and per day. `rows` (PAGE_ROWS) is in the key only, so that pages cut to another length
    are not served."""
    return page_parts(annual.compose(name, year, annual.Volume(district, sector)), today)


def page_parts(form: AnnualForm, produced_on: datetime.date | None = None) -> dict:
    """The form's document as the page shows it, to be cached: its head and, per table, the
    header, the totals and the body rows cut into pages of PAGE_ROWS rows (each page's HTML
    in one piece, with the heading row of the enterprise its first row belongs to). Plain
    data (texts, lists, dicts) only."""
    context = document_context(form, produced_on)
    tables = []
    for item in context["tables"]:
        table, rows = item["table"], item["rows"]
        pages, heading = [], None
        for start in range(0, len(rows), PAGE_ROWS):
            chunk = rows[start : start + PAGE_ROWS]
            lead = [heading] if heading is not None and chunk[0]["group"] is None else []
            pages.append("\n".join([*lead, *(row["html"] for row in chunk)]))
            for row in chunk:
                if row["group"] is not None:
                    heading = row["html"]
        tables.append(
            {
                "table": {"key": table.key, "title": str(table.title), "note": str(table.note)},
                "header": [
                    [{**cell, "label": str(cell["label"])} for cell in cells]
                    for cells in item["header"]
                ],
                "count": sum(1 for row in rows if row["group"] is None),
                "rows_count": len(rows),
                "pages": pages,
                "total": item["total"],
            }
        )
    return {
        "form": {
            "name": form.name,
            "number": form.number,
            "title": str(form.title),
            "volume_label": form.volume_label,
            "full_title": form.full_title,
            "year": form.year,
            "landscape": form.landscape,
            "notes": [str(note) for note in form.notes],
            "signatures": [str(label) for label in form.signatures],
        },
        "tables": tables,
        "office": str(context["office"]),
        "produced_on": context["produced_on"],
        # A whole form too long for one PDF: its volumes, each with its PDF's link.
        "volumes": volume_rows(form) if in_volumes(form) else [],
    }


# A long form's PDF is laid out in parts of about PART_ROWS table rows, each by a WeasyPrint
# render of its own that is written out and let go before the next: a render keeps every page
# it lays out (megabytes each), so the province's discharge form in one render (a thousand
# pages) grew past 5 GB, and its auto table layout measured every cell of the table. A part
# ends at an enterprise's heading row, so an enterprise's block is never cut by a part.
PART_ROWS = 1200
# Each table's columns are given their share of the form's column widths (Column.width, in
# characters), so that the columns of a table's pieces in different parts line up alike.
PDF_STYLESHEET = "reports/form-pdf.css"


def pdf_parts(context: dict, part_rows: int | None = None) -> list[dict]:
    """The document context cut into parts of about `part_rows` (PART_ROWS) body rows: each a
    document context of its own, with the tables or pieces of tables it holds. A table's
    title shows where it begins, its totals and note where it ends; the form's head is in the
    first part, its notes and sign-off in the last."""
    part_rows = part_rows or PART_ROWS
    parts: list[dict] = []
    items: list[dict] = []
    size = 0

    def close() -> None:
        nonlocal items, size
        parts.append({**context, "tables": items, "continued": bool(parts), "continues": True})
        items, size = [], 0

    for item in context["tables"]:
        rows = item["rows"]
        start = 0
        while True:
            end = len(rows)
            if end - start > part_rows - size:
                end = _cut(rows, start, start + part_rows - size)
                if end == start and items:
                    close()  # the next block begins the next part
                    continue
                if end == start:  # a block longer than a part: cut where the part is full
                    end = start + part_rows
            piece = rows[start:end]
            last = end >= len(rows)
            items.append(
                {
                    **item,
                    "rows": piece,
                    "body": mark_safe("\n".join(row["html"] for row in piece)),  # noqa: S308
                    "total": item["total"] if last else None,
                    "continued": start > 0,
                    "continues": not last,
                }
            )
            size += len(piece)
            start = end
            if last:
                break
            close()
    parts.append({**context, "tables": items, "continued": bool(parts), "continues": False})
    return parts


def _cut(rows: list[dict], start: int, end: int) -> int:
    """Where to end a piece of `rows` begun at `start` that may not go past `end`: before the
    last heading row (an enterprise's block) after `start`, else at `end` for a table without
    heading rows; `start` when a block begun at `start` runs past `end`."""
    for index in range(end, start, -1):
        if rows[index]["group"] is not None:
            return index
    if not any(row["group"] is not None for row in rows[start : end + 1]):
        return end
    return start


def _column_widths(form: AnnualForm) -> str:
    """CSS giving each table's columns their share of the width."""
    rules = []
    for table in form.tables:
        total = sum(column.width for column in table.columns)
        for index, column in enumerate(table.columns, start=1):
            share = 100 * column.width / total
            rules.append(f"#table-{table.key} col:nth-child({index}) {{ width: {share:.2f}%; }}")
    return "\n".join(rules)


def _css_string(text: str) -> str:
    """`text` as a CSS string literal."""
    return '"' + " ".join(str(text).split()).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _part_css(form: AnnualForm, office: str, first: bool) -> str:
    """CSS of a part: no page numbers (they are put on once the parts are joined: a part does
    not know the total) and, after the first part, its pages' heads (the form's title and
    the office) as the first part's pages have them from the form's head."""
    heads = (
        ""
        if first
        else f"@top-left {{ content: {_css_string(form.full_title)}; }} "
        f"@top-right {{ content: {_css_string(office)}; }} "
    )
    rules = []
    for page in ("form", "form-landscape"):
        rules.append(f"@page {page} {{ {heads}@bottom-center {{ content: none; }} }}")
        if not first:
            rules.append(f"@page {page}:first {{ {heads}}}")
    return "\n".join(rules)


# A whole form printed in volumes ----------------------------------------------------------


def in_volumes(form: AnnualForm) -> bool:
    """Whether the whole form is too long for one PDF (more body rows than
    settings.BENXI_PDF_WHOLE_ROWS): its PDF is then the contents volume, and each district's
    volume is a PDF of its own."""
    return (
        not form.volume
        and form.name in annual.VOLUME_FORMS
        and form.body_rows > settings.BENXI_PDF_WHOLE_ROWS
    )


def volume_url(name: str, year: int, district: str, fmt: str = "pdf") -> str:
    """The address of a district's volume of a form (its download)."""
    query = urlencode({"year": year, "district": district or annual.NO_DISTRICT})
    return f"{reverse('reports:form_download', args=[name, fmt])}?{query}"


def volume_rows(form: AnnualForm) -> list[dict]:
    """The volumes of a whole form by district: name, enterprises, rows, the PDF's address."""
    return [
        {
            "district": district or annual.NO_DISTRICT,
            "label": annual.district_label(district),
            "enterprises": enterprises,
            "rows": rows,
            "url": volume_url(form.name, form.year, district),
            # The same, as it is printed: the district as written, not percent-encoded.
            "address": reverse("reports:form_download", args=[form.name, "pdf"])
            + f"?year={form.year}&district={district or annual.NO_DISTRICT}",
            "filename": filename(
                form.name, form.year, "pdf", annual.Volume(district or annual.NO_DISTRICT)
            ),
        }
        for district, (enterprises, rows) in sorted(form.districts.items())
    ]


def contents_volume(form: AnnualForm) -> AnnualForm:
    """The whole form's contents volume: its head, the tables of the whole city (a table of
    enterprises gives its totals row), the contents by district with each volume's PDF, the
    notes and the sign-off."""
    tables = []
    for table in form.tables:
        if not table.per_enterprise:
            tables.append(table)
        elif table.total is not None:
            tables.append(
                Table(
                    key=f"{table.key}-total",
                    title=_("City totals: %(title)s") % {"title": table.title},
                    columns=table.columns,
                    groups=table.groups,
                    rows=[dict(table.total)],
                    note=_("The totals of every enterprise of the form, all volumes together."),
                )
            )
    volumes = volume_rows(form)
    contents = Table(
        key="volumes",
        title=_("Contents: the volumes by district"),
        columns=[
            Column("district", _("District"), TEXT, 20, wrap=True),
            Column("enterprises", pgettext("count", "Enterprises"), INT, 9),
            Column("rows", _("Rows"), INT, 8),
            Column("file", _("The volume's PDF"), TEXT, 50, wrap=True),
        ],
        note=_(
            "The form is too long to print in one PDF (%(rows)s rows): each district's "
            "enterprises are printed in a volume of their own, at the address given; the "
            "XLSX and CSV files hold the whole form."
        )
        % {"rows": f"{sum(row['rows'] for row in volumes):,}"},
    )
    site = settings.BENXI_SITE_URL
    for row in volumes:
        contents.rows.append(
            {
                "district": row["label"],
                "enterprises": row["enterprises"],
                "rows": row["rows"],
                "file": f"{row['filename']}: {site}{row['address']}",
            }
        )
    contents.total = {
        "district": _("Total"),
        "enterprises": sum(row["enterprises"] for row in contents.rows),
        "rows": sum(row["rows"] for row in contents.rows),
    }
    tables.append(contents)
    return dataclasses.replace(form, tables=tables)


def render_pdf(
    form: AnnualForm,
    produced_on: datetime.date | None = None,
    laid_out=None,
    whole: bool = False,
) -> bytes:
    """`laid_out()`, if given, is called once the pages are laid out (the long part), before
    the PDF is written (as HTML.write_pdf does it: render, then write). A long form is laid
    out in parts (PART_ROWS), joined and numbered here. A whole form too long to print in
    one (`in_volumes`) is its contents volume, unless `whole` (a copy of record)."""
    from weasyprint import CSS, HTML
    from weasyprint import DEFAULT_OPTIONS as PDF_OPTIONS

    if not whole and in_volumes(form):
        form = contents_volume(form)
    context = document_context(form, produced_on)
    stylesheets = [
        *(CSS(filename=finders.find(name)) for name in (*STYLESHEETS, PDF_STYLESHEET)),
        CSS(string=_column_widths(form)),
    ]
    options = {**PDF_OPTIONS, "stylesheets": stylesheets}
    written = {key: options[key] for key in PDF_OPTIONS}
    parts = pdf_parts(context)

    def lay_out(part: dict, extra: list) -> object:
        html = render_to_string("reports/form_pdf.html", part)
        return HTML(string=html, base_url=str(settings.SHARED_DIR)).render(
            **{**options, "stylesheets": [*stylesheets, *extra]}
        )

    if len(parts) == 1:
        document = lay_out(parts[0], [])
        if laid_out is not None:
            laid_out()
        return document.write_pdf(**written)
    office = str(context["office"])
    files = []
    for index, part in enumerate(parts):
        extra = CSS(string=_part_css(form, office, first=index == 0))
        files.append(lay_out(part, [extra]).write_pdf(**written))
    if laid_out is not None:
        laid_out()
    return join_numbered(files, landscape=form.landscape)


# The page numbers of a PDF joined from parts ("n / N", centred in the bottom margin, where the
# page's @bottom-center puts them in form-print.css), in the standard Times-Roman: digits only,
# so no font is embedded. Its widths in thousandths of an em.
NUMBER_FONT = "/BenxiPageNumber"
NUMBER_SIZE = 8.5
NUMBER_WIDTHS = {" ": 250, "/": 278, **dict.fromkeys("0123456789", 500)}
MM = 72 / 25.4
# (left, right, bottom) page margins in mm of form-print.css's @page form and form-landscape.
MARGINS = {False: (16, 14, 18), True: (14, 14, 15)}


def join_numbered(files: list[bytes], landscape: bool = False) -> bytes:
    """The PDFs `files` as one, each page numbered "n / N" as a single render numbers them."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
    )

    writer = PdfWriter()
    for content in files:
        writer.append(PdfReader(io.BytesIO(content)))
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Times-Roman"),
            }
        )
    )

    def stream(data: bytes):
        item = DecodedStreamObject()
        item.set_data(data)
        return writer._add_object(item)

    save, restore = stream(b"q\n"), stream(b"Q\n")
    left, right, bottom = (value * MM for value in MARGINS[landscape])
    total = len(writer.pages)
    for number, page in enumerate(writer.pages, start=1):
        text = f"{number} / {total}"
        width = sum(NUMBER_WIDTHS[char] for char in text) * NUMBER_SIZE / 1000
        box = page.mediabox
        x = float(box.left) + left + (float(box.width) - left - right - width) / 2
        # The baseline where WeasyPrint puts it: a line of Noto Serif CJK (1.16 em above the
        # baseline, 0.29 below) centred in the bottom margin.
        y = float(box.bottom) + bottom / 2 - NUMBER_SIZE * 0.44
        drawn = stream(
            f"BT {NUMBER_FONT} {NUMBER_SIZE} Tf {x:.2f} {y:.2f} Td ({text}) Tj ET\n".encode()
        )
        contents = page.get("/Contents")
        contents = contents.get_object() if contents is not None else None
        existing = list(contents) if isinstance(contents, ArrayObject) else [page["/Contents"]]
        page[NameObject("/Contents")] = ArrayObject([save, *existing, restore, drawn])
        resources = page["/Resources"].get_object()
        fonts = resources.setdefault(NameObject("/Font"), DictionaryObject()).get_object()
        fonts[NameObject(NUMBER_FONT)] = font
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def render_csv(form: AnnualForm, bom: bool = True) -> bytes:
    """Keys, codes and plain numbers in UTF-8; with a byte-order mark by default, so that
    Excel reads the Chinese names."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([safecells.csv_value(key) for key in form.csv_header])
    places = [form.csv_places.get(key) for key in form.csv_header]
    for row in form.csv_rows:
        writer.writerow([_csv_value(value, dp) for value, dp in zip(row, places, strict=True)])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def _csv_value(value, places: int | None):
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if places is not None and isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return f"{Decimal(value):.{places}f}"
    # A text (a name, a title) that a spreadsheet would run as a formula is neutralised.
    return safecells.csv_value(value)


def _json_value(value, places: int | None):
    value = _csv_value(value, places)
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)  # a Decimal without set places, as written


def figures(form: AnnualForm) -> dict:
    """The form's figures as the CSV holds them (keys, codes, numbers with their places), for
    a copy of record (JSON) and to compare with it."""
    places = [form.csv_places.get(key) for key in form.csv_header]
    return {
        "form": form.name,
        "number": form.number,
        "year": form.year,
        "header": list(form.csv_header),
        "rows": [
            [_json_value(value, dp) for value, dp in zip(row, places, strict=True)]
            for row in form.csv_rows
        ],
    }


def render_json(form: AnnualForm) -> bytes:
    return json.dumps(figures(form), ensure_ascii=False, indent=1).encode("utf-8")


NUMBER_FORMATS = {INT: "#,##0", DEC1: "#,##0.0", DEC2: "#,##0.00", DATE: "yyyy-mm-dd"}
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="E8EEEB")


def _xlsx_value(value, kind: str):
    if value is None or value == "":
        return None
    if kind in (INT, DEC1, DEC2):
        return float(value) if kind != INT else int(value)
    if kind == DATE and isinstance(value, datetime.date):
        return value
    if kind == LIGHT:
        return str(value[1])
    return str(value)


def render_xlsx(form: AnnualForm, produced_on: datetime.date | None = None) -> bytes:
    """One sheet: title, the tables with their number formats, notes and signature lines,
    set up to print on A4 with the page number in the footer. Every text is a string cell,
    neutralised (benxi_cp/safecells.py): never a formula.

    Long: a sheet is written top to bottom, each part below the last; split, the parts
    would pass the current row back and forth."""
    produced_on = produced_on or timezone.localdate()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = form.name
    width = max(len(t.columns) for t in form.tables)
    widths: dict[int, int] = {}
    covered: set[tuple[int, int]] = set()  # header cells taken by a merged cell
    styles: dict[tuple, object] = {}  # a body cell's style, worked out once per kind
    bold = Font(bold=True)

    def merged(row: int, text: str, font: Font | None = None, align: str = "left") -> None:
        safecells.set_text(sheet.cell(row=row, column=1), text)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        cell = sheet.cell(row=row, column=1)
        cell.alignment = Alignment(horizontal=align, wrap_text=True, vertical="center")
        if font:
            cell.font = font

    row = 1
    merged(row, _("Form no.: %(number)s") % {"number": form.number}, Font(size=9), "right")
    row += 1
    merged(row, form.full_title, Font(bold=True, size=15), "center")
    sheet.row_dimensions[row].height = 26
    row += 1
    merged(row, _("Year %(year)s, as of 31 December") % {"year": form.year}, None, "center")
    row += 1
    merged(
        row,
        f"{_('Produced by:')} {settings.PRODUCING_OFFICE}    "
        f"{_('Date produced:')} {produced_on.isoformat()}",
        Font(size=9),
    )
    row += 2
    for table in form.tables:
        merged(row, str(table.title), Font(bold=True, size=11))
        row += 1
        header = table.header_rows()
        for offset, cells in enumerate(header):
            col = 1
            for spec in cells:
                while (row, col) in covered:
                    col += 1
                cell = sheet.cell(row=row, column=col)
                safecells.set_text(cell, str(spec["label"]))
                last_row, last_col = row + spec["rowspan"] - 1, col + spec["colspan"] - 1
                for r in range(row, last_row + 1):
                    for c in range(col, last_col + 1):
                        covered.add((r, c))
                        sheet.cell(row=r, column=c).border = BORDER
                        sheet.cell(row=r, column=c).fill = HEADER_FILL
                if (last_row, last_col) != (row, col):
                    sheet.merge_cells(
                        start_row=row, start_column=col, end_row=last_row, end_column=last_col
                    )
                cell.font = bold
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
                col = last_col + 1
            sheet.row_dimensions[row].height = 30 if offset == len(header) - 1 else 20
            row += 1
        for col, column in enumerate(table.columns, start=1):
            widths[col] = max(widths.get(col, 0), column.width)
        body = [*table.rows, *([table.total] if table.total is not None else [])]
        for index, values in enumerate(body):
            is_total = table.total is not None and index == len(body) - 1
            if "_group" in values:
                # Not merged: openpyxl checks each new merged range against every earlier one,
                # which at thousands of enterprises took minutes. The label runs on into the
                # empty cells beside it, as in a merged row.
                cell = sheet.cell(row=row, column=1)
                safecells.set_text(cell, values["_group"])
                if "_group" in styles:
                    cell._style = copy.copy(styles["_group"])
                else:
                    cell.font, cell.border = bold, BORDER
                    styles["_group"] = copy.copy(cell._style)
                row += 1
                continue
            for col, column in enumerate(table.columns, start=1):
                kind = cell_kind(values, column)
                cell = sheet.cell(row=row, column=col)
                safecells.set_text(cell, _xlsx_value(values.get(column.key), kind))
                style_key = (kind, column.wrap, is_total)
                if style_key in styles:  # openpyxl hashes a style object on each assignment
                    cell._style = copy.copy(styles[style_key])
                    continue
                cell.border = BORDER
                if kind in NUMBER_FORMATS:
                    cell.number_format = NUMBER_FORMATS[kind]
                if kind == TEXT:
                    cell.alignment = Alignment(wrap_text=column.wrap, vertical="top")
                if is_total:
                    cell.font = bold
                styles[style_key] = copy.copy(cell._style)
            row += 1
        if table.note:
            merged(row, str(table.note), Font(size=9, italic=True))
            row += 1
        row += 1
    for note in form.notes:
        merged(row, str(note), Font(size=9))
        row += 1
    row += 1
    labels = [str(label) for label in form.signatures] + [_("Date of report")]
    step = max(1, width // len(labels))
    for index, label in enumerate(labels):
        safecells.set_text(
            sheet.cell(row=row, column=1 + index * step),
            _("%(label)s:") % {"label": label} + " ____________",
        )
    for col, chars in widths.items():
        sheet.column_dimensions[get_column_letter(col)].width = chars + 2
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if form.landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.oddHeader.left.text = safecells.xlsx_text(f"{form.number} {form.full_title}")
    sheet.oddHeader.right.text = str(form.year)
    sheet.oddFooter.left.text = str(settings.PRODUCING_OFFICE)
    sheet.oddFooter.center.text = "&P / &N"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render(
    form: AnnualForm, fmt: str, produced_on: datetime.date | None = None, whole: bool = False
) -> bytes:
    """The form's file; a PDF of a form too long for one is its contents volume unless
    `whole` (render_pdf)."""
    if fmt == "pdf":
        return render_pdf(form, produced_on, whole=whole)
    if fmt == "xlsx":
        return render_xlsx(form, produced_on)
    if fmt == "csv":
        return render_csv(form)
    raise ValueError(fmt)


def filename(name: str, year: int, fmt: str, volume: annual.Volume = annual.WHOLE) -> str:
    """A downloaded form's file name, by its number on paper: `CP-1-programme-2001.pdf`; a
    volume's with its district and sector: `CP-3-discharge-2001-平山区-iron_steel.pdf`."""
    number = FORM_NUMBERS.get(name)
    stem = f"{number}-{name}-{year}" if number else f"{name}-{year}"
    for part in (volume.district, volume.sector):
        if part:
            stem += "-" + _file_part(part)
    return f"{stem}.{fmt}"


def _file_part(text: str) -> str:
    """A district or sector as a part of a file name: letters, digits, CJK kept; the rest -."""
    return "".join(ch if ch.isalnum() or ch == "_" else "-" for ch in text).strip("-") or "x"
