"""The compliance and fee forms (docs/formats/compliance-summary.md) as annual forms: the CSV of
`annual_report` byte for byte, the PDF with its Chinese text, the XLSX's values, the page,
the copy of record made when a year closes, and the permits' old addresses sent on."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from benxi_cp import clock, datacache
from permits.choices import CaseOutcome, CaseStatus
from permits.models import EnforcementCase
from reports import annual, closing, compliance_figures
from reports.models import RecordCopy
from tests.reports.scenario import permits_2000
from tests.reports.test_dashboards import figure_links, listed_count

D = datetime.date

COMPLIANCE_2000 = (
    "enterprise_code,outlet,pollutant,basis,samples,exceedances,max_exceedance_pct,"
    "months_exceeded,chronic,serious,missing,permitted_t,actual_t,share_pct,exceeded\n"
    "E5,DA001,SO2,hourly_mean,1,1,50.0,1,no,no,0,,,,\n"
    "E5,DW001,COD,daily_mean,4,1,50.0,1,no,no,8,,,,\n"
    "E5,,COD,annual_total,,,,,,,,60.00,45.00,75.0,no\n"
    "E5,,SO2,annual_total,,,,,,,,20.00,30.00,150.0,yes\n"
)
FEES_2000 = (
    "enterprise_code,medium,pollutant,discharge_kg,equivalent_kg,equivalents,counted,"
    "rate_yuan,tax_yuan\n"
    "E5,air,SO2,30000.00,0.95,31578.95,yes,1.20,37894.74\n"
    "E5,water,COD,45000.00,1,45000.00,yes,1.40,63000.00\n"
    "E5,water,NH3N,2000.00,0.8,2500.00,yes,1.40,3500.00\n"
)


def run(*args) -> str:
    out = io.StringIO()
    call_command("annual_report", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_the_csv_forms_are_the_formats_byte_for_byte(permitted, tmp_path):
    assert run("--year", "2000", "--form", "compliance", "--format", "csv") == COMPLIANCE_2000
    target = tmp_path / "fees.csv"
    run("--year", "2000", "--form", "fees", "--format", "csv", "--output", str(target))
    assert target.read_bytes() == FEES_2000.encode("utf-8")  # no byte-order mark
    # A year with no permit in force and no verified discharge: the header only.
    assert (
        run("--year", "1996", "--form", "compliance", "--format", "csv")
        == (COMPLIANCE_2000.splitlines(keepends=True)[0])
    )


@pytest.mark.django_db
def test_the_pdf_opens_with_the_figures_in_chinese(permitted, tmp_path):
    target = tmp_path / "compliance.pdf"
    run("--year", "2000", "--form", "compliance", "--format", "pdf", "--output", str(target))
    text = "".join(page.extract_text() for page in PdfReader(target).pages)
    assert "排污许可" in text and "戊发电厂" in text
    for figure in ("DW001", "50.0", "60.00", "150.0"):
        assert figure in text
    target = tmp_path / "fees.pdf"
    run("--year", "2000", "--form", "fees", "--format", "pdf", "--output", str(target))
    text = "".join(page.extract_text() for page in PdfReader(target).pages)
    assert "环境保护税" in text
    for figure in ("31,578.95", "37,894.74", "104,394.74"):  # the total of the three
        assert figure in text


def xlsx_rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.mark.django_db
def test_the_xlsx_holds_the_figures_as_numbers(permitted, client_as):
    client = client_as("epb_staff")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("reports:form_download", args=["fees", "xlsx"]), {"year": 2000})
    assert response["Content-Disposition"] == 'attachment; filename="CP-8-fees-2000.xlsx"'
    rows = xlsx_rows(response.content)
    by_enterprise = [row for row in rows if row[0] and str(row[0]).startswith("E5 ")]
    assert by_enterprise[0][:4] == ["E5 E5 Works", 66500.0, 37894.74, 104394.74]
    so2 = next(row for row in rows if row[1] == "sulphur dioxide")
    assert so2[:8] == ["Air", "sulphur dioxide", 30000.0, 0.95, 31578.95, "Yes", 1.2, 37894.74]
    compliance = client.get(
        reverse("reports:form_download", args=["compliance", "xlsx"]), {"year": 2000}
    )
    rows = xlsx_rows(compliance.content)
    cod = next(row for row in rows if row[0] == "DW001")
    assert cod[3:7] == [4, 1, 50.0, 1] and cod[9] == 8
    quantity = next(row for row in rows if row[0] == "E5 E5 Works" and row[2] == 20.0)
    assert quantity[3:5] == [30.0, 150.0]


@pytest.mark.django_db
def test_the_page_shows_the_forms_tables_and_totals(permitted, client_as):
    client = client_as("leadership")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("reports:form", args=["compliance"]), {"year": 2000})
    text = page.content.decode()
    assert "CP-7" in text and "Concentrations against the limits" in text
    assert "Hourly mean" in text and "150.0" in text
    fees = client.get(reverse("reports:form", args=["fees"]), {"year": 2000})
    assert "CP-8" in fees.content.decode() and "104,394.74" in fees.content.decode()
    index = client.get(reverse("reports:forms"), {"year": 2000}).content.decode()
    assert reverse("reports:form", args=["compliance"]) in index


@pytest.mark.django_db
def test_a_closing_keeps_a_copy_of_record_of_both(permitted, make_user):
    closing.close(2000, make_user("administrator"))
    copies = set(RecordCopy.objects.values_list("form", "fmt"))
    assert {(name, fmt) for name in ("compliance", "fees") for fmt in ("pdf", "xlsx", "json")} <= (
        copies
    )
    latest = closing.latest(2000)
    assert closing.differences(latest, "fees") == []


@pytest.mark.django_db
def test_the_permits_addresses_lead_to_the_forms(client_as):
    client = client_as("epb_staff")
    response = client.get(reverse("permits:compliance"), {"year": 2001})
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:form", args=["compliance"]) + "?year=2001"
    response = client.get(reverse("permits:fees"))
    assert response["Location"] == reverse("reports:form", args=["fees"])
    assert client_as("auditor").get(reverse("permits:fees")).status_code == 403


def test_the_forms_are_registered_with_their_numbers():
    assert annual.FORMS["compliance"][1] is annual.compliance_form
    assert annual.FORMS["fees"][1] is annual.fees_form
    assert annual.BY_THE_DAY == ("compliance",)


# The dashboards' compliance section ----------------------------------------------------------

EXPECTED_FINDINGS = {
    "permitted": "1",
    "compliant": "0",
    "exceedance": "1",
    "chronic": "0",
    "serious": "0",
    "missing": "1",
    "near_permitted": "0",
    "over_permitted": "1",
}


def findings_shown(html: str) -> dict[str, str]:
    return dict(
        re.findall(
            r'data-finding="(\w+)"><dt>[^<]*</dt><dd class="kpi-value-sm"><a[^>]*>([^<]*)', html
        )
    )


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["reports:epb_dashboard", "reports:dashboard"])
def test_the_dashboards_count_the_findings_and_open_the_enterprises_behind_them(
    permitted, client_as, page
):
    client = client_as("administrator")
    html = client.get(reverse(page), {"year": 2000}).content.decode()
    section = html.split('id="compliance"', 1)[1]
    shown = findings_shown(section)
    assert {key: shown[key] for key in EXPECTED_FINDINGS} == EXPECTED_FINDINGS
    assert shown["tax"] == "104,394.74"
    assert "E5 " in section.split('id="top-exceeders"', 1)[1]
    checked = 0
    for href, text in figure_links(section.split('id="top-exceeders"', 1)[0]):
        listing = client.get(href)
        assert listing.status_code == 200, href
        count = listed_count(listing.content.decode())
        if count is not None:
            assert count == int(text), (href, text)
            if text == "1":
                assert "E5" in listing.content.decode()
            checked += 1
    assert checked == len(EXPECTED_FINDINGS) + len(compliance_figures.CASE_LABELS)


@pytest.mark.django_db
def test_those_who_may_not_read_the_monitoring_see_no_compliance(permitted, client_as):
    html = client_as("auditor").get(reverse("reports:dashboard"), {"year": 2000}).content
    assert b'id="compliance"' not in html


@pytest.mark.django_db
@pytest.mark.parametrize("more", [False, True])
def test_the_compliance_figures_run_a_fixed_number_of_queries(
    permitted, more, django_assert_num_queries
):
    """The enterprises' standings (their tokens; the concentration rows, a figure of their
    own (their tokens; limits, values by month, days measured); the annual totals: limits,
    the ledger's verified figures), the largest exceeders' names, the tax (3), the
    enforcement cases open and overdue (1)."""
    if more:
        permits_2000(permitted["e6"], "P-2000-6")
        make_case(permitted["e6"])
    with django_assert_num_queries(1 + 1 + 3 + 2 + 1 + 3 + 1):
        found = compliance_figures.findings.compute(2000, datetime.date(2030, 1, 1))
    assert len(found["ids"]["permitted"]) == (2 if more else 1)


# The enforcement cases on the dashboards -------------------------------------------------------


def make_case(enterprise, **fields) -> EnforcementCase:
    values = {"summary": "COD above its limit at DW001", "opened_on": D(2000, 3, 1)} | fields
    return EnforcementCase.objects.create(enterprise=enterprise, **values)


def notified(number: str, deadline: datetime.date, **fields) -> dict:
    return {
        "status": CaseStatus.NOTIFIED,
        "notice_number": number,
        "notice_date": D(2000, 3, 5),
        "deadline": deadline,
    } | fields


def cases_shown(html: str) -> dict[str, str]:
    section = html.split('id="compliance"', 1)[1]
    return dict(
        re.findall(
            r'data-cases="(\w+)"><dt>[^<]*</dt><dd class="kpi-value-sm"><a[^>]*>([^<]*)', section
        )
    )


@pytest.fixture
def cases(permitted, monkeypatch):
    """On 1 July 2000: a case just opened, one notified and overdue, one notified within its
    deadline (the deadline day itself is not overdue), one closed."""
    monkeypatch.setattr(clock, "today", lambda: D(2000, 7, 1))
    e5 = permitted["e5"]
    make_case(e5)
    make_case(e5, **notified("BX-1", D(2000, 6, 30)))
    make_case(e5, **notified("BX-2", D(2000, 7, 1)))
    closed = {"status": CaseStatus.CLOSED, "outcome": CaseOutcome.RESOLVED}
    make_case(e5, **notified("BX-3", D(2000, 4, 30), closed_on=D(2000, 5, 2), **closed))
    return permitted


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["leadership", "epb_staff", "administrator"])
@pytest.mark.parametrize("page", ["reports:epb_dashboard", "reports:dashboard"])
def test_the_dashboards_count_open_and_overdue_cases_and_list_them(cases, client_as, role, page):
    client = client_as(role)
    response = client.get(reverse(page), {"year": 2000})
    if response.status_code == 403:  # the leading team has no EPB dashboard
        assert (role, page) == ("leadership", "reports:epb_dashboard")
        return
    html = response.content.decode()
    assert cases_shown(html) == {"still_open": "3", "overdue": "1"}
    section = html.split('id="compliance"', 1)[1]
    links = {text: href for href, text in figure_links(section) if "/cases/" in href}
    for text, href in links.items():
        listing = client.get(href).content.decode()
        assert listed_count(listing) == int(text), href
    assert set(links) == {"3", "1"}
    assert "BX-1" in client.get(links["1"]).content.decode()


@pytest.mark.django_db
def test_the_leader_sees_the_compliance_section_with_the_cases_read_only(cases, client_as):
    html = client_as("leadership").get(reverse("reports:dashboard"), {"year": 2000})
    html = html.content.decode()
    assert 'id="compliance"' in html
    assert cases_shown(html) == {"still_open": "3", "overdue": "1"}
    # The cases' list it opens offers no new case to the leading team.
    listing = client_as("leadership").get(reverse("permits:cases"), {"state": "still_open"})
    assert reverse("permits:case_create") not in listing.content.decode()


@pytest.mark.django_db
def test_who_may_not_read_the_cases_sees_the_compliance_without_them(cases, make_user, client):
    from django.contrib.auth.models import Permission

    user = make_user(None, "monitoring-reader")
    wanted = [
        ("reports", "view_dashboard"),
        ("permits", "view_permit"),
        ("permits", "view_monitoringvalue"),
        ("permits", "view_taxrate"),
    ]
    for app, codename in wanted:
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app, codename=codename)
        )
    client.force_login(user)
    html = client.get(reverse("reports:dashboard"), {"year": 2000}).content.decode()
    assert 'id="compliance"' in html
    assert "data-cases" not in html and "/cases/" not in html


@pytest.mark.django_db(transaction=True)
def test_a_write_to_a_case_moves_the_permits_token_and_the_counts_follow(
    programme, client_as, monkeypatch
):
    monkeypatch.setattr(clock, "today", lambda: D(2000, 7, 1))
    client = client_as("epb_staff")

    def shown() -> dict[str, str]:
        page = client.get(reverse("reports:dashboard"), {"year": 2000})
        return cases_shown(page.content.decode())

    assert shown() == {"still_open": "0", "overdue": "0"}
    assert shown() == {"still_open": "0", "overdue": "0"}  # from the cache
    before = datacache.current("permits")
    case = make_case(programme["e5"])
    assert datacache.current("permits") != before
    assert shown() == {"still_open": "1", "overdue": "0"}
    before = datacache.current("permits")
    EnforcementCase.objects.filter(pk=case.pk).update(**notified("BX-9", D(2000, 6, 1)))
    assert datacache.current("permits") != before
    assert shown() == {"still_open": "1", "overdue": "1"}
    EnforcementCase.objects.filter(pk=case.pk).update(
        status=CaseStatus.CLOSED, outcome=CaseOutcome.RESOLVED, closed_on=D(2000, 6, 20)
    )
    assert shown() == {"still_open": "0", "overdue": "0"}


@pytest.mark.django_db
def test_a_verified_figure_recomputes_the_quantities_not_the_concentration_rows(
    permitted, monkeypatch
):
    """The concentration rows (every monitoring value of the year) are a figure of their
    own, which the verified discharge does not move: after a verified figure changes, the
    findings read the quantities again and the concentration rows from the cache."""
    from enterprises.models import AnnualDischarge
    from permits import compliance

    day = D(2030, 1, 1)
    before = compliance_figures.findings(2000, day)
    calls = {"concentration": 0, "quantities": 0}
    rows, quantities = compliance.concentration_rows, compliance.quantity_rows

    def counted(name, function):
        def call(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)

        return call

    monkeypatch.setattr(compliance, "concentration_rows", counted("concentration", rows))
    monkeypatch.setattr(compliance, "quantity_rows", counted("quantities", quantities))
    # The ledger is the discharge scope's table: its update moves the scope's token.
    AnnualDischarge.objects.filter(enterprise=permitted["e5"], year=2000).update(amount=0)
    after = compliance_figures.findings(2000, day)
    assert calls == {"concentration": 0, "quantities": 1}
    over = (before["ids"]["over_permitted"], after["ids"]["over_permitted"])
    assert over == ([permitted["e5"].pk], [])
