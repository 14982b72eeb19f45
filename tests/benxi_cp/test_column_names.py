"""Each import column named in the user's language beside its code: on the import page, in
the format document and in the XLSX template; the audit history's page and workbook
template with a sheet per part."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from benxi_cp import formats
from benxi_cp.importers import get_importer

pytestmark = pytest.mark.django_db


def page(client, url: str, lang: str) -> str:
    client.cookies["django_language"] = lang
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    "lang,ref,quantity", [("zh-hans", "审核编号", "数量"), ("en", "audit reference", "quantity")]
)
def test_the_import_page_names_each_column_beside_its_code(client_as, lang, ref, quantity):
    client = client_as("epb_staff")
    html = page(client, reverse("import", args=["balance"]), lang)
    assert f'<code lang="en">audit_ref</code> <span class="column-label">{ref}</span>' in html
    assert f'<code lang="en">quantity</code> <span class="column-label">{quantity}</span>' in html


def test_the_audits_import_page_offers_the_history_workbook(client_as):
    client = client_as("epb_staff")
    html = page(client, reverse("import", args=["audits"]), "en")
    assert 'id="import-note"' in html and "a sheet for each file of an audit history" in html
    assert '<code lang="en">audits</code> · <code lang="en">options</code>' in html
    assert f'href="{reverse("import", args=["audit-history"])}"' in html
    assert f'href="{reverse("format_document", args=["audit-history"])}"' in html


def test_the_history_import_page_lists_each_parts_columns_and_offers_a_workbook(client_as):
    client = client_as("epb_staff")
    html = page(client, reverse("import", args=["audit-history"]), "zh-hans")
    for part in ("audits", "options", "balance", "feasibility"):
        assert f'<code lang="en">{part}</code>' in html
        assert f'href="{reverse("format_document", args=[part])}"' in html
    assert '<code lang="en">life_years</code>' in html and "enterprise_code" in html
    assert reverse("import_template", args=["audit-history", "xlsx"]) in html
    for part in ("audits", "options", "balance", "feasibility"):
        assert reverse("import_template", args=[part, "csv"]) in html  # a CSV file per part
    csv = client.get(reverse("import_template", args=["audit-history", "csv"]))
    assert 'filename="audit-history-audits-template.csv"' in csv["Content-Disposition"]
    assert csv.content.decode("utf-8-sig").split(",")[0] == "ref"


def test_the_format_document_names_each_column(client_as):
    client = client_as("auditor")
    html = page(client, reverse("format_document", args=["feasibility"]), "zh-hans")
    assert '<th lang="zh-hans">名称</th>' in html
    assert '<td>option_code</td><td class="column-label" lang="zh-hans">方案编号</td>' in html
    # A table that lists no columns stays as written.
    html = page(client, reverse("format_document", args=["discharge"]), "en")
    assert "<td>WASTEWATER</td><td>" in html


@pytest.mark.parametrize("lang,label", [("zh-hans", "数量"), ("en", "quantity")])
def test_the_xlsx_template_notes_each_columns_name(client_as, lang, label):
    client = client_as("epb_staff")
    client.cookies["django_language"] = lang
    response = client.get(reverse("import_template", args=["balance", "xlsx"]))
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header == list(get_importer("balance").columns)
    assert sheet.cell(row=1, column=header.index("quantity") + 1).comment.text == label
    notes = [[cell.value for cell in row] for row in workbook[formats.COLUMNS_SHEET].iter_rows()]
    assert notes[0][0] in ("column", "列") and len(notes) == 1 + len(header)
    assert [row[0] for row in notes[1:]] == header and notes[4][1] == label
    assert workbook[formats.LISTS_SHEET].sheet_state == "hidden"


def test_the_history_template_has_a_sheet_per_part_that_the_import_reads(client_as):
    client = client_as("epb_staff")
    response = client.get(reverse("import_template", args=["audit-history", "xlsx"]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "audits",
        "options",
        "balance",
        "feasibility",
        formats.COLUMNS_SHEET,
        formats.LISTS_SHEET,
    ]
    for part in ("audits", "options", "balance", "feasibility"):
        header = [cell.value for cell in workbook[part][1]]
        assert header == get_importer(part)().template_columns()
    # Filled in with nothing, the workbook is read and refused for its empty sheets only.
    with translation.override("en"):
        result = get_importer("audit-history")().run(response.content, "history.xlsx")
        found = [str(issue) for issue in result.errors]
    assert found == [
        f"sheet {part}, row 2: the file has no data rows"
        for part in ("audits", "options", "balance", "feasibility")
    ]
