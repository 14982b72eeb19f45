"""The annual report forms in every format, through the command and the pages."""

import csv
import io
import re
import subprocess
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from reports import annual
from tests.fixtures import ALL_ROLES
from tests.reports.factories import grow, make_report
from tests.reports.test_summary import EXPECTED_2000

FORMS = list(annual.FORMS)
CSV_HEADERS = {
    "programme": ["key", "value"],
    "audits": [
        "enterprise_code",
        "enterprise_name",
        "sector",
        "audit_ref",
        "started_on",
        "steps_done",
        "options_low_no_retained",
        "options_low_no_implemented",
        "options_medium_high_retained",
        "options_medium_high_implemented",
        "investment_10k_yuan",
        "annual_benefit_10k_yuan",
        "assessment",
        "assessment_score",
        "assessed_on",
        "acceptance",
        "accepted_by",
        "accepted_on",
        "demonstration",
    ],
    "discharge": [
        "table",
        "enterprise_code",
        "enterprise_name",
        "pollutant",
        "unit",
        "previous",
        "current",
        "change",
        "change_pct",
    ],
    "options": [
        "table",
        "aspect",
        "fee_class",
        "options",
        "investment_10k_yuan",
        "annual_benefit_10k_yuan",
    ],
    "targets": [
        "indicator_code",
        "dimension",
        "unit",
        "department",
        "baseline_year",
        "baseline_value",
        "goal_year",
        "goal_value",
        "actual_year",
        "actual_value",
        "progress_pct",
        "expected_pct",
        "on_track",
        "light",
    ],
    "training": ["audience", "kind", "events", "hours", "participants", "participant_hours"],
    "compliance": [
        "enterprise_code",
        "outlet",
        "pollutant",
        "basis",
        "samples",
        "exceedances",
        "max_exceedance_pct",
        "months_exceeded",
        "chronic",
        "serious",
        "missing",
        "permitted_t",
        "actual_t",
        "share_pct",
        "exceeded",
    ],
    "fees": [
        "enterprise_code",
        "medium",
        "pollutant",
        "discharge_kg",
        "equivalent_kg",
        "equivalents",
        "counted",
        "rate_yuan",
        "tax_yuan",
    ],
}


def run(*args) -> str:
    out = io.StringIO()
    call_command("annual_report", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.django_db
def test_the_programme_csv_has_exactly_the_keys_of_the_format(programme, tmp_path):
    printed = run("--year", "2000", "--form", "programme", "--format", "csv")
    assert read_csv(printed) == [["key", "value"], *[list(row) for row in EXPECTED_2000]]
    target = tmp_path / "summary.csv"
    run("--year", "2000", "--form", "programme", "--format", "csv", "--output", str(target))
    assert target.read_text(encoding="utf-8") == printed  # no byte-order mark for machines


@pytest.mark.django_db
@pytest.mark.parametrize("name", FORMS)
def test_each_form_as_csv(with_content, name, tmp_path):
    target = tmp_path / f"{name}.csv"
    run("--year", "2000", "--form", name, "--format", "csv", "--output", str(target))
    rows = read_csv(target.read_text(encoding="utf-8"))
    assert rows[0] == CSV_HEADERS[name]
    assert len(rows) > 1 and all(len(row) == len(rows[0]) for row in rows)


@pytest.mark.django_db
def test_the_audits_csv_holds_each_audit_started_by_the_year_end(programme):
    rows = read_csv(run("--year", "2000", "--form", "audits", "--format", "csv"))
    by_ref = {row[3]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert sorted(by_ref) == ["A1", "A1B", "A2", "A3", "A6", "A7"]  # not A4 (2002)
    a1 = by_ref["A1"]
    assert (a1["options_low_no_retained"], a1["options_low_no_implemented"]) == ("2", "1")
    assert (a1["options_medium_high_retained"], a1["options_medium_high_implemented"]) == ("4", "1")
    assert (a1["investment_10k_yuan"], a1["annual_benefit_10k_yuan"]) == ("102.00", "305.00")
    assert (a1["acceptance"], a1["accepted_by"], a1["demonstration"]) == (
        "pass",
        "national_centre",
        "True",
    )
    assert by_ref["A6"]["acceptance"] == ""  # accepted in 2001
    assert by_ref["A7"]["acceptance"] == "fail"
    assert by_ref["A3"]["steps_done"] == "5"


@pytest.mark.django_db
def test_the_discharge_csv_has_totals_and_changes(programme):
    make_report(programme["e2"], 1999, {"COD": "150"})
    rows = read_csv(run("--year", "1999", "--form", "discharge", "--format", "csv"))
    body = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    city_cod = next(r for r in body if r["table"] == "city" and r["pollutant"] == "COD")
    # 1998: E2's four quarters, 200 (its draft annual report does not count);
    # 1999: E1 999999 and E2 150 (E3 has three quarters only).
    assert (city_cod["previous"], city_cod["current"]) == ("200.0000", "1000149.0000")
    # The change adds up the enterprises reporting both years: E2 only.
    assert (city_cod["change"], city_cod["change_pct"]) == ("-50.0000", "-25.0")
    e1 = next(r for r in body if r["enterprise_code"] == "E1" and r["pollutant"] == "COD")
    assert (e1["previous"], e1["current"], e1["change"]) == ("", "999999.0000", "")
    e2 = next(r for r in body if r["enterprise_code"] == "E2")
    assert (e2["previous"], e2["current"], e2["change_pct"]) == ("200.0000", "150.0000", "-25.0")


@pytest.mark.django_db
def test_a_year_not_yet_complete_has_no_city_total(programme):
    make_report(programme["e2"], 1999, {"COD": "150"}, status="submitted")
    with translation.override("en"):
        form = annual.discharge_form(1999)
    city = {row["_code"]: row for row in form.tables[0].rows}
    # 1998 is complete: its total stands; 1999 waits for E2's report: no total, and the
    # change adds up the enterprises verified in both years only (none for COD).
    assert city["COD"]["previous"] == Decimal("200") and city["COD"]["current"] is None
    assert city["COD"]["change"] is None
    assert "1999 is not yet complete: 1 enterprise(s)" in form.tables[0].note
    detail = [row for row in form.tables[1].rows if row.get("_code") == "COD"]
    assert Decimal("999999") in [row["current"] for row in detail]  # E1's own figure


@pytest.mark.django_db
def test_the_options_csv_counts_by_aspect_and_fee_class(programme):
    rows = read_csv(run("--year", "2000", "--form", "options", "--format", "csv"))
    body = {(r[0], r[1], r[2]): r[3:] for r in rows[1:]}
    assert body[("to_date", "management", "low_no")] == ["1", "2.00", "5.00"]  # L1
    assert body[("to_date", "technology", "medium_high")] == ["1", "100.00", "300.00"]  # M1
    assert body[("in_year", "technology", "medium_high")] == ["1", "100.00", "300.00"]
    assert body[("in_year", "management", "low_no")] == ["0", "0.00", "0.00"]  # L1 was in 1998
    assert body[("to_date", "waste", "low_no")] == ["1", "0.00", "0.00"]  # L6, no amounts


@pytest.mark.django_db
def test_the_targets_csv_has_each_targets_progress_and_light(programme):
    rows = read_csv(run("--year", "2000", "--form", "targets", "--format", "csv"))
    body = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    gdp, cod = body["gdp"], body["cod_total"]
    # GDP 100 → 140 by 2000, 110 in 2000: a quarter of the way where all of it was due.
    assert (gdp["progress_pct"], gdp["expected_pct"], gdp["light"]) == ("25.0", "100.0", "red")
    # COD 1000 → 800 by 2000, 850 in 1999: three quarters of the way, on the line.
    assert (cod["actual_year"], cod["progress_pct"], cod["expected_pct"]) == (
        "1999",
        "75.0",
        "75.0",
    )
    assert (cod["on_track"], cod["light"]) == ("True", "green")


def numbers_on_page(html: str) -> list[Decimal]:
    """Every figure in the form's tables on the page, in order."""
    cells = re.findall(r'<td class="num">([^<]*)</td>', html)
    return [Decimal(c.replace(",", "")) for c in cells if c not in ("—", "")]


def numbers_in_xlsx(content: bytes) -> list[Decimal]:
    sheet = load_workbook(io.BytesIO(content)).active
    found = []
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                found.append(Decimal(str(cell.value)))
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("name", FORMS)
def test_the_xlsx_holds_the_same_figures_as_the_page(with_content, client_as, name):
    client = client_as("leadership")
    page = client.get(reverse("reports:form", args=[name]), {"year": 2000}).content.decode()
    response = client.get(reverse("reports:form_download", args=[name, "xlsx"]), {"year": 2000})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    on_page = numbers_on_page(page)
    in_xlsx = numbers_in_xlsx(response.content)
    assert on_page, "the page shows figures"
    assert [round(n, 2) for n in in_xlsx] == [round(n, 2) for n in on_page]


@pytest.mark.django_db
def test_the_xlsx_has_number_formats_widths_and_a4_set_up(programme, tmp_path):
    target = tmp_path / "audits.xlsx"
    run("--year", "2000", "--form", "audits", "--format", "xlsx", "--output", str(target))
    sheet = load_workbook(target).active
    formats = {cell.number_format for row in sheet.iter_rows() for cell in row if cell.value}
    assert {"#,##0", "#,##0.00", "yyyy-mm-dd"} <= formats
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["E"].width
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    assert sheet.page_setup.orientation == "landscape"


def cjk_fonts(reader: PdfReader) -> set[str]:
    """Names of the embedded fonts whose name says CJK."""
    found = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts") or [font]
            for descendant in descendants:
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is None:
                    continue
                descriptor = descriptor.get_object()
                embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                name = str(font["/BaseFont"])
                if embedded and "CJK" in name:
                    found.add(name)
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("name", FORMS)
def test_each_form_as_pdf_has_pages_and_embeds_a_cjk_font(with_content, name, tmp_path):
    target = tmp_path / f"{name}.pdf"
    run("--year", "2000", "--form", name, "--format", "pdf", "--output", str(target))
    reader = PdfReader(target)
    assert len(reader.pages) >= 1
    assert cjk_fonts(reader), "a CJK font is embedded"
    text = "".join(page.extract_text() for page in reader.pages)
    assert "2000" in text
    assert "1 / " in text  # page numbers


@pytest.mark.django_db
def test_the_programme_pdf_has_the_figures_and_pdffonts_agrees(programme, tmp_path):
    target = tmp_path / "programme.pdf"
    run("--year", "2000", "--form", "programme", "--format", "pdf", "--output", str(target))
    text = "".join(page.extract_text() for page in PdfReader(target).pages)
    for figure in ("103.00", "307.00", "2.98", "190.00", "22.5", "50.0"):
        assert figure in text
    assert "清洁生产" in text  # Chinese by default
    listing = subprocess.run(["pdffonts", str(target)], capture_output=True, text=True)
    if listing.returncode == 0:  # poppler-utils present (CI installs it)
        cjk = [line for line in listing.stdout.splitlines() if "CJK" in line]
        assert cjk and all(" yes " in line for line in cjk)


@pytest.mark.django_db
def test_english_forms_from_the_command(programme, tmp_path):
    target = tmp_path / "options.pdf"
    run(
        "--year",
        "2000",
        "--form",
        "options",
        "--format",
        "pdf",
        "--output",
        str(target),
        "--language",
        "en",
    )
    text = "".join(page.extract_text() for page in PdfReader(target).pages)
    assert "options implemented by aspect" in text


@pytest.mark.django_db
def test_the_command_refuses_bad_arguments(tmp_path):
    with pytest.raises(CommandError):
        run("--year", "2000", "--form", "nonsense", "--format", "csv")
    with pytest.raises(CommandError):
        run("--year", "2000", "--form", "programme", "--format", "doc")
    with pytest.raises(CommandError, match="out of range"):
        run("--year", "20000", "--form", "programme", "--format", "csv")
    with pytest.raises(CommandError, match="cannot write"):
        run(
            "--year",
            "2000",
            "--form",
            "programme",
            "--format",
            "csv",
            "--output",
            str(tmp_path / "missing" / "x.csv"),
        )


# Pages and downloads: who may open them ---------------------------------------------------


def form_urls(names=FORMS) -> list[str]:
    urls = [reverse("reports:forms")]
    for name in names:
        urls.append(reverse("reports:form", args=[name]))
        for fmt in ("pdf", "xlsx", "csv"):
            urls.append(reverse("reports:form_download", args=[name, fmt]))
    return urls


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_log_in(client):
    for url in form_urls():
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_role_may_open_and_download_the_forms(client_as, role):
    client = client_as(role)
    # The permits' forms are for those who may read the monitoring and the tax: not auditors.
    hidden = ["compliance", "fees"] if role == "auditor" else []
    for url in form_urls([name for name in FORMS if name not in hidden]):
        assert client.get(url, {"year": 2000}).status_code == 200, url
    for url in form_urls(hidden)[1:]:
        assert client.get(url, {"year": 2000}).status_code == 403, url
    index = client.get(reverse("reports:forms"), {"year": 2000}).content.decode()
    assert (reverse("reports:form", args=["fees"]) in index) == (not hidden)


@pytest.mark.django_db
def test_a_user_without_a_role_may_not(client, make_user):
    client.force_login(make_user(None))
    for url in form_urls():
        assert client.get(url).status_code == 403, url


@pytest.mark.django_db
def test_bad_names_and_years_are_refused_cleanly(client_as):
    client = client_as("leadership")
    assert client.get(reverse("reports:form", args=["nonsense"])).status_code == 404
    assert (
        client.get(reverse("reports:form_download", args=["programme", "doc"])).status_code == 404
    )
    assert client.get(reverse("reports:form", args=["programme"]), {"year": "x"}).status_code == 400
    assert client.get(reverse("reports:forms"), {"year": "99999"}).status_code == 400


@pytest.mark.django_db
def test_the_download_is_an_attachment_named_after_the_form(programme, client_as):
    response = client_as("auditor").get(
        reverse("reports:form_download", args=["programme", "csv"]), {"year": 2000}
    )
    assert response["Content-Disposition"] == 'attachment; filename="CP-1-programme-2000.csv"'
    text = response.content.decode("utf-8-sig")  # with a BOM, for Excel
    assert read_csv(text)[1] == ["enterprises_in_programme", "5"]


@pytest.mark.django_db
def test_the_page_shows_the_form_in_both_languages(programme, client_as):
    client = client_as("leadership")
    url = reverse("reports:form", args=["programme"])
    page = client.get(url, {"year": 2000}).content.decode()
    assert "清洁生产" in page and 'id="print-button"' in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(url, {"year": 2000}).content.decode()
    assert "Enterprises in the programme" in page


# Fixed query counts at two data sizes ---------------------------------------------------

# Every page: 1 session, 2 user, 3 the user's groups (role in the menu), 4 the user's own
# permissions, 5 the groups' permissions, 6 demo flag; the years offered: 7 audits' first and
# last start, 8 reports' first and last year, 9 the latest implementation; 10 the year's
# latest closing (reports/closing.py: a copy of record to compare with).
PAGE = 10
# Each cached figure (benxi_cp.datacache) reads the data version first: the years offered,
# the rendered form (and the programme form's summary). The page builds the form uncached
# (annual.compose): one version read fewer than when it also cached the built form.
VERSIONS = {"programme": 3}
# Cached: session, user, groups, permissions, groups' permissions, demo flag, and the data
# version for the years offered and for the rendered form, the year's latest closing.
CACHED_PAGE = PAGE - 3 + 2
# The forms printed in volumes (annual.VOLUME_FORMS) read the register's districts for their
# filter, cached or not.
VOLUME_FILTER = {"audits": 1, "discharge": 1}
FORM_QUERIES = {
    # summary: register, audits, options, reductions claimed with their baselines from the
    # ledger, pollutants
    "programme": PAGE + 5,
    # audits with their enterprises and their steps done by the day, option figures per audit
    "audits": PAGE + 2,
    # annual discharge (2), enterprises, pollutants, count of unverified reports
    "discharge": PAGE + 5,
    # options by aspect and fee class in the year, and to date
    "options": PAGE + 2,
    # targets with their indicators and departments, the actual values
    "targets": PAGE + 2,
    # per kind of event: events and participants by audience (2 each); the year's events
    "training": PAGE + 5,
    # limits in force, values by series and month, days measured by month, annual limits,
    # the ledger's verified figures, enterprises' names, pollutants
    "compliance": PAGE + 8,  # with the concentration rows' tokens (a figure of its own)
    # tax equivalents with their pollutants, rates, verified discharge, enterprises' names,
    # pollutants
    "fees": PAGE + 5,
}


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 15])
@pytest.mark.parametrize("name", FORMS)
def test_each_form_page_runs_a_fixed_number_of_queries(
    with_content, client_as, django_assert_num_queries, name, extra
):
    grow(extra)
    client = client_as("leadership")
    url = reverse("reports:form", args=[name])
    districts = VOLUME_FILTER.get(name, 0)
    with django_assert_num_queries(FORM_QUERIES[name] + VERSIONS.get(name, 2) + districts):
        response = client.get(url, {"year": 2000})
    assert response.status_code == 200
    with django_assert_num_queries(CACHED_PAGE + districts):
        again = client.get(url, {"year": 2000})
    document = response.content.split(b"<article", 1)[1].split(b"</article>", 1)[0]
    assert document.strip() and document in again.content


def test_the_rows_written_in_python_escape_their_text():
    from reports import output

    cell = {"text": '<b>"甲" & 乙</b>', "numeric": False, "wrap": True, "light": ""}
    assert output.row_html([cell]) == (
        '<tr><td class="wrap">&lt;b&gt;&quot;甲&quot; &amp; 乙&lt;/b&gt;</td></tr>'
    )
    light = {"text": "1,234.50", "numeric": True, "wrap": False, "light": "red"}
    assert output.row_html([light]) == (
        '<tr><td class="num"><span class="dot dot-red"></span>1,234.50</td></tr>'
    )


@pytest.mark.django_db
def test_the_form_page_shows_a_page_of_rows_with_the_totals(
    programme, client_as, django_assert_num_queries, monkeypatch
):
    """A bounded page of each table, its totals on every page, links to the other pages; the
    downloads hold the whole form."""
    from reports import output

    grow(15)
    monkeypatch.setattr(output, "PAGE_ROWS", 4)
    form = annual.compose("discharge", 2000)
    detail = next(t for t in form.tables if sum("_group" not in row for row in t.rows) > 4)
    whole = output.page_parts(form)
    pages = next(t for t in whole["tables"] if t["table"]["key"] == detail.key)["pages"]
    assert len(pages) > 2
    client = client_as("leadership")
    url = reverse("reports:form", args=["discharge"])
    client.get(url, {"year": 2000})  # cached
    parameter = f"page-{detail.key}"
    with django_assert_num_queries(CACHED_PAGE + VOLUME_FILTER["discharge"]):
        first = client.get(url, {"year": 2000}).content.decode()
    second = client.get(url, {"year": 2000, parameter: 2}).content.decode()

    def section(html: str, key: str = detail.key) -> str:
        return html.split(f'id="table-{key}"', 1)[1].split("</section>", 1)[0]

    def body_rows(html: str, key: str = detail.key) -> list[str]:
        body = section(html, key).split("<tbody>", 1)[1].split("</tbody>", 1)[0]
        return re.findall(r"<tr[ >].*?</tr>", body, re.S)

    assert len(body_rows(first)) <= 4 and len(body_rows(second)) <= 5
    assert body_rows(first) != body_rows(second)
    # Each page opens with the heading of the enterprise its first row belongs to.
    assert all('class="group-row"' in body_rows(html)[0] for html in (first, second))
    # The city's totals, whole, on every page.
    city = next(table for table in form.tables if table.key == "city")
    assert len(city.rows) > 1 and len(body_rows(second, "city")) == len(city.rows)
    assert f"{parameter}=3#table-{detail.key}" in section(first)
    assert 'aria-current="page">2<' in section(second)
    # A page past the end is the last; one that is not a number, the first.
    last = client.get(url, {"year": 2000, parameter: 999}).content.decode()
    assert body_rows(last)[-1] in pages[-1]
    assert body_rows(client.get(url, {"year": 2000, parameter: "x"}).content.decode()) == (
        body_rows(first)
    )
    # Every row of the table is on one of its pages; the CSV download has them all.
    shown = []
    for number in range(1, len(pages) + 1):
        html = client.get(url, {"year": 2000, parameter: number}).content.decode()
        shown += [row for row in body_rows(html) if "group-row" not in row]
    assert len(shown) == sum("_group" not in row for row in detail.rows)
    download = reverse("reports:form_download", args=["discharge", "csv"])
    csv_file = client.get(download, {"year": 2000}).content.decode("utf-8-sig")
    assert len(read_csv(csv_file)) == len(form.csv_rows) + 1


@pytest.mark.django_db
def test_a_table_keeps_its_total_row_on_each_of_its_pages(programme, client_as, monkeypatch):
    from reports import output

    grow(15)
    monkeypatch.setattr(output, "PAGE_ROWS", 2)
    form = annual.compose("audits", 2000)
    table = next(table for table in form.tables if table.total is not None)
    assert len(table.rows) > 2
    client = client_as("leadership")
    url = reverse("reports:form", args=["audits"])
    for number in (1, 2):
        html = client.get(url, {"year": 2000, f"page-{table.key}": number}).content.decode()
        shown = html.split(f'id="table-{table.key}"', 1)[1].split("</section>", 1)[0]
        assert 'class="total-row"' in shown and "form-pager" in shown
