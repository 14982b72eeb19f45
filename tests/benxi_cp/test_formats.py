"""The formats in docs/formats/: served as pages, matched by the importers, and their templates."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook
from openpyxl.utils import column_index_from_string, range_boundaries

from benxi_cp import formats
from benxi_cp.export import XLSX_TYPE
from benxi_cp.importers import get_importer
from tests.fixtures import ALL_ROLES, FORMATS_DIR

KINDS = ["enterprises", "audits", "options", "discharge", "environmental-investment"]
# Who may import each kind (benxi_cp.roles), and who may not.
IMPORTING_ROLE = {
    "enterprises": "epb_staff",
    "audits": "epb_staff",
    "options": "auditor",
    "discharge": "epb_staff",
    "environmental-investment": "epb_staff",
}
REFUSED_ROLE = {
    "enterprises": "auditor",
    "audits": "leadership",
    "options": "leadership",
    "discharge": "auditor",
    "environmental-investment": "leadership",
}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# -- the documents ----------------------------------------------------------------------------
def test_every_format_and_sample_is_in_the_repository():
    names = {path.name for path in FORMATS_DIR.iterdir()}
    assert {f"{name}.md" for name in formats.DOCUMENTS} <= names
    assert {f"{kind}.sample.csv" for kind in KINDS} <= names


def _column_table(kind: str) -> dict[str, str]:
    """Column → value text, from the first table of docs/formats/<kind>.md."""
    lines = formats.document_text(kind).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| column |"))
    table = {}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        table[cells[0]] = cells[2]
    return table


def _documented_columns(kind: str) -> list[str]:
    return list(_column_table(kind))


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_each_importer_accepts_exactly_the_columns_its_format_lists(kind):
    importer = get_importer(kind)()
    documented = _documented_columns(kind)
    if kind == "options":
        assert documented[-1] == "reduction_<CODE>"
        documented = documented[:-1]
    assert documented == list(importer.columns)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_the_coded_columns_offer_the_codes_the_format_lists(kind):
    """Each drop-down list holds the codes the format document gives for that column."""
    text = formats.document_text(kind)
    rows = _column_table(kind)
    for column, codes in get_importer(kind)().column_choices().items():
        if column in ("pollutant", "unit"):  # the catalogue's, listed in a table of its own
            catalogue = text.split("Pollutant catalogue")[1]
            assert all(f"| {code} |" in catalogue or f"| {code}\n" in catalogue for code in codes)
        elif column == "period":
            assert codes[0] == "Y" and codes[1:5] == ["Q1", "Q2", "Q3", "Q4"]
            assert codes[5:] == [f"M{n:02d}" for n in range(1, 13)]
        elif codes == ["yes", "no"]:
            assert "yes/no" in rows[column]
        else:
            # The codes come first; what follows ("; required when ...", "(default ...)")
            # names other columns or repeats a code.
            listed = re.split(r";|\(default", rows[column])[0]
            assert re.findall(r"`([a-z_]+)`", listed) == codes, column


def test_markdown_is_rendered_escaped_with_tables_lists_and_links():
    html = formats.render_markdown(
        "## Title\n\nA <b>bold</b> `code` & see `discharge.md`.\n\n"
        "| a | b |\n|---|---|\n| `x` | <i> |\n\n- one\n  two\n- three\n\n    python manage.py x\n"
    )
    assert "<h3>Title</h3>" in html
    assert "&lt;b&gt;bold&lt;/b&gt; <code>code</code> &amp; see" in html
    assert f'<a href="{reverse("format_document", args=["discharge"])}">' in html
    assert "<th>a</th><th>b</th>" in html and "<td><code>x</code></td><td>&lt;i&gt;</td>" in html
    assert "<li>one two</li><li>three</li>" in html
    assert "<pre><code>python manage.py x</code></pre>" in html
    assert "<script" not in formats.render_markdown("<script>alert(1)</script>")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_role_reads_the_formats(client_as, role):
    client = client_as(role)
    for name in formats.DOCUMENTS:
        response = client.get(reverse("format_document", args=[name]))
        assert response.status_code == 200
    page = client.get(reverse("format_document", args=["discharge"])).content.decode()
    assert '<h1 class="h3 mb-0">discharge</h1>' in page
    assert "<td>output_10k_yuan</td>" in page and "<td>WASTEWATER</td>" in page


@pytest.mark.django_db
def test_the_programme_summary_contract_is_a_page_linked_from_the_forms(client_as):
    client = client_as("leadership")
    url = reverse("format_document", args=["programme-summary"])
    assert f'href="{url}"' in client.get(reverse("reports:forms")).content.decode()
    page = client.get(url).content.decode()
    assert "<td>reduction_rate_&lt;CODE&gt;_pct</td>" in page


def test_the_format_pages_need_a_log_in(client):
    response = client.get(reverse("format_document", args=["enterprises"]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.django_db
def test_an_unknown_format_is_not_found(client_as):
    client = client_as("epb_staff")
    assert client.get(reverse("format_document", args=["secrets"])).status_code == 404
    assert client.get("/formats/..%2Fsettings/").status_code == 404


@pytest.mark.django_db
def test_a_format_page_offers_its_import_to_those_who_may(client_as):
    url = reverse("format_document", args=["discharge"])
    import_url = reverse("import", args=["discharge"])
    assert f'href="{import_url}"' in client_as("epb_staff").get(url).content.decode()
    assert f'href="{import_url}"' not in client_as("leadership").get(url).content.decode()


@pytest.mark.django_db
def test_format_page_queries(client_as, django_assert_num_queries):
    client = client_as("epb_staff")
    client.get(reverse("home"))  # the session exists
    # The session, the user; the user's permissions, their groups' permissions (navigation
    # and the import link); the user's groups (the role in the menu bar), the demo flag.
    with django_assert_num_queries(6):
        response = client.get(reverse("format_document", args=["enterprises"]))
    assert response.status_code == 200


# -- the import pages and the templates -------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_the_import_page_links_to_its_format_and_its_templates(client_as, kind):
    page = client_as(IMPORTING_ROLE[kind]).get(reverse("import", args=[kind])).content.decode()
    assert f'href="{reverse("format_document", args=[kind])}"' in page
    for fmt in ("xlsx", "csv"):
        assert f'href="{reverse("import_template", args=[kind, fmt])}"' in page


def _csv_header(content: bytes) -> list[str]:
    assert content.startswith("\ufeff".encode())
    return next(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_the_csv_template_is_the_header_row(client_as, kind):
    response = client_as(IMPORTING_ROLE[kind]).get(reverse("import_template", args=[kind, "csv"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="{kind}-template.csv"' in response["Content-Disposition"]
    header = _csv_header(response.content)
    importer = get_importer(kind)()
    assert header == importer.template_columns()
    assert set(importer.columns) <= set(header)
    assert all(importer.accepts_column(name.lower()) for name in header)
    assert len(response.content.decode("utf-8-sig").splitlines()) == 1


def _validations(sheet, workbook) -> dict[str, list[str]]:
    """Header name → the codes of the drop-down list on that column."""
    header = [cell.value for cell in sheet[1]]
    found = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list"
        target = str(validation.sqref)
        min_col, min_row, max_col, max_row = range_boundaries(target)
        assert (min_col == max_col, min_row, max_row) == (True, 2, formats.LAST_ROW)
        source_sheet, cells = validation.formula1.rsplit("!", 1)
        source = workbook[source_sheet.strip("'")]
        first, last = cells.replace("$", "").split(":")
        column = column_index_from_string(re.sub(r"\d", "", first))
        rows = range(int(re.sub(r"\D", "", first)), int(re.sub(r"\D", "", last)) + 1)
        found[header[min_col - 1]] = [source.cell(row=r, column=column).value for r in rows]
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_the_xlsx_template_has_the_header_and_drop_downs_on_the_coded_columns(client_as, kind):
    response = client_as(IMPORTING_ROLE[kind]).get(reverse("import_template", args=[kind, "xlsx"]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    importer = get_importer(kind)()
    assert [cell.value for cell in sheet[1]] == importer.template_columns()
    assert sheet.max_row == 1
    assert workbook[formats.LISTS_SHEET].sheet_state == "hidden"
    choices = importer.column_choices()
    assert choices  # every importer has coded columns
    assert _validations(sheet, workbook) == choices


@pytest.mark.django_db
def test_the_discharge_template_lists_the_catalogue_as_it_is(client_as):
    from enterprises.models import Pollutant

    Pollutant.objects.create(code="HG", name="汞", name_en="mercury", unit="kg", position=1000)
    response = client_as("epb_staff").get(reverse("import_template", args=["discharge", "xlsx"]))
    workbook = load_workbook(io.BytesIO(response.content))
    lists = _validations(workbook.worksheets[0], workbook)
    assert lists["pollutant"][-1] == "HG" and "kg" in lists["unit"]
    assert lists["basis"] == [
        "measured_continuous",
        "measured_sampling",
        "calculated",
        "estimated",
    ]
    options = client_as("auditor").get(reverse("import_template", args=["options", "csv"]))
    assert _csv_header(options.content)[-1] == "reduction_HG"


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_those_who_may_not_import_get_no_template(client_as, kind, fmt):
    response = client_as(REFUSED_ROLE[kind]).get(reverse("import_template", args=[kind, fmt]))
    assert response.status_code == 403


@pytest.mark.django_db
def test_an_unknown_template_is_not_found(client_as):
    client = client_as("administrator")
    assert client.get(reverse("import_template", args=["enterprises", "pdf"])).status_code == 404
    assert client.get(reverse("import_template", args=["salaries", "csv"])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind,fmt,queries",
    [
        # The session, the user, the user's and their groups' permissions.
        ("enterprises", "xlsx", 4),
        ("enterprises", "csv", 4),
        # ... and the pollutant catalogue (codes and units in one query).
        ("discharge", "xlsx", 5),
        # ... and the catalogue's codes for the reduction columns.
        ("options", "csv", 5),
    ],
)
def test_template_queries(client_as, django_assert_num_queries, kind, fmt, queries):
    client = client_as(IMPORTING_ROLE[kind])
    client.get(reverse("home"))  # the session exists
    with django_assert_num_queries(queries):
        response = client.get(reverse("import_template", args=[kind, fmt]))
    assert response.status_code == 200


# -- round trip: a template filled in with one row imports -------------------------------------
def _sample_row(kind: str) -> dict[str, str]:
    with (FORMATS_DIR / f"{kind}.sample.csv").open(encoding="utf-8-sig", newline="") as file:
        return next(csv.DictReader(file))


def _fill(template: bytes, row: dict[str, str]) -> bytes:
    """The template as a user fills it in: one row under the header, numbers as numbers."""
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    for index, name in enumerate(header, start=1):
        value = row.get(name, "")
        if re.fullmatch(r"\d+", value):
            value = int(value)
        sheet.cell(row=2, column=index, value=value or None)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_each_xlsx_template_filled_with_one_row_imports(client_as):
    """In the order the records depend on each other: enterprises, audits, options, discharge."""
    client = client_as("administrator")
    for kind in KINDS:
        template = client.get(reverse("import_template", args=[kind, "xlsx"])).content
        row = _sample_row(kind)
        if kind == "enterprises":
            # The audit and the report of the next rows belong to the sample's first enterprise.
            assert _sample_row("audits")["enterprise_code"] == row["code"]
        result = get_importer(kind)().run(_fill(template, row), f"{kind}.xlsx")
        assert result.ok, [str(issue) for issue in result.errors]
        assert (result.created, result.updated) == (1, 0)

    from audits.models import Audit, Option
    from enterprises.models import DischargeValue, Enterprise

    assert Enterprise.objects.get(code="DEMO-0001").employees == 48000
    audit = Audit.objects.get(ref="A-1997-01")
    assert (audit.focus, audit.steps_completed) == ("Sintering plant", 2)
    option = Option.objects.get(audit__ref="A-1997-01", code="F01")
    assert option.status == "implemented"
    # The estimate and the actual investment, side by side (numbers typed as numbers).
    assert (option.investment_10k_yuan, option.actual_investment_10k_yuan) == (
        Decimal("0.5"),
        Decimal("0.6"),
    )
    value = DischargeValue.objects.get()
    assert (value.pollutant.code, value.amount, value.basis) == ("COD", 1850, "measured_sampling")


def test_the_reader_reads_the_first_sheet_only():
    """The reader takes the first sheet: a template's hidden list sheet is never read."""
    workbook = Workbook()
    workbook.active.append(["code"])
    workbook.create_sheet("lists").append(["not a column"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    from benxi_cp.tabular import read_table

    assert read_table(buffer.getvalue(), "t.xlsx") == (["code"], [])
