"""The demo city's 2001 programme summary reproduces the paper's headline figures."""

import csv
import io
import re

from django.core.management import call_command
from django.urls import reverse

from tests.reports.test_dashboards import figure_links, listed_count

# Li Qiang, Benxi 2001: 41 enterprises, 68 % of the state large and medium
# ones; 15 accepted by the national centre, 26 by the municipality, 4 demonstration
# enterprises; 422 no/low-fee options retained, 384 implemented; 50 medium/high-fee
# retained, 29 implemented; 7,509 × 10k yuan invested, 29,000 × 10k yuan a year, 1:3.9;
# COD down 5,759 t a year, 33.3 %; waste gas 2,800 million Nm³; solid waste 26 thousand t.
PAPER = {
    "enterprises_in_programme": "41",
    "state_large_medium_total": "50",
    "state_large_medium_in_programme": "34",
    "coverage_pct": "68.0",
    "accepted_national_centre": "15",
    "accepted_municipality": "26",
    "demonstration": "4",
    "options_low_no_retained": "422",
    "options_low_no_implemented": "384",
    "options_medium_high_retained": "50",
    "options_medium_high_implemented": "29",
    "investment_10k_yuan": "7509.00",
    "annual_benefit_10k_yuan": "29000.00",
    "input_output_ratio": "3.86",
    "reduction_COD": "5759.00",
    "reduction_rate_COD_pct": "33.3",
    "reduction_WASTEGAS": "280000.00",
    "reduction_SW_GEN": "26000.00",
}


def summary_csv() -> dict[str, str]:
    out = io.StringIO()
    call_command(
        "annual_report", "--year", "2001", "--form", "programme", "--format", "csv", stdout=out
    )
    lines = out.getvalue().splitlines()
    assert lines[0] == "key,value"
    return dict(line.split(",") for line in lines[1:])


def permit_forms() -> tuple[list[dict], str]:
    """The demo's compliance form of 2001 (as of the demo's today), which shows each kind of
    finding at least once, and its fee form."""
    compliance = read_form("compliance")
    concentration = [row for row in compliance if row["basis"] != "annual_total"]
    quantities = [row for row in compliance if row["basis"] == "annual_total"]
    assert {row["enterprise_code"] for row in compliance} >= {"DEMO-0006", "DEMO-0011"}
    assert any(int(row["exceedances"]) for row in concentration)
    assert any(row["chronic"] == "yes" for row in concentration)
    assert any(row["serious"] == "yes" for row in concentration)
    assert any(int(row["missing"]) for row in concentration)
    assert any(row["exceeded"] == "yes" for row in quantities)
    assert any(80 <= float(row["share_pct"]) < 100 for row in quantities)
    fees = read_form("fees")
    assert sum(float(row["tax_yuan"]) for row in fees) > 0
    return compliance, fees


def demo_cases() -> list[tuple]:
    """The demo's enforcement cases: one open against the chronic exceeder, its notice served
    and its deadline past on the demo's today, concerning the compliance rows of its 2001
    exceedances, with a follow-up; one closed with a penalty."""
    from benxi_cp import clock
    from permits.choices import CaseOutcome, CaseStatus
    from permits.models import EnforcementCase

    cases = list(EnforcementCase.objects.order_by("notice_number").prefetch_related("violations"))
    still_open = [case for case in cases if case.status != CaseStatus.CLOSED]
    assert len(still_open) == 1
    case = still_open[0]
    assert case.notice_number and case.notice_date and case.is_overdue(clock.DEMO_TODAY)
    assert case.follow_ups.count() == 1
    chronic = {
        (row["outlet"], row["pollutant"])
        for row in read_form("compliance")
        if row["enterprise_code"] == case.enterprise.code and row["chronic"] == "yes"
    }
    assert {(v.outlet, v.pollutant.code) for v in case.violations.all()} == chronic
    assert {v.year for v in case.violations.all()} == {2001}
    closed = [case for case in cases if case.status == CaseStatus.CLOSED]
    assert [(c.outcome, c.penalty_yuan > 0) for c in closed] == [(CaseOutcome.PENALTY, True)]
    return [
        (c.pk, c.enterprise_id, c.status, c.version, c.violations.count(), c.follow_ups.count())
        for c in cases
    ]


def read_form(name: str) -> list[dict]:
    out = io.StringIO()
    call_command("annual_report", "--year", "2001", "--form", name, "--format", "csv", stdout=out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_the_demo_reproduces_the_papers_figures_and_stays_so_when_loaded_again(
    demo_city, client_as
):
    first = summary_csv()
    assert {key: first.get(key) for key in PAPER} == PAPER
    permitted = permit_forms()
    cases = demo_cases()
    call_command("load_demo", stdout=io.StringIO())
    assert summary_csv() == first
    assert permit_forms() == permitted  # the permits' demo is the same when loaded again
    assert demo_cases() == cases  # and its cases, left as they were

    # The leading team's dashboard shows them, and each count opens its records.
    client = client_as("leadership")
    html = client.get(reverse("reports:dashboard"), {"year": 2001}).content.decode()
    for shown in ("41", "68.0%", "7,509", "29,000", "1:3.9", "5,759", "33.3%"):
        assert shown in html, shown
    # with the open enforcement case, overdue on the demo's today
    assert re.findall(r'data-cases="(\w+)"><dt>[^<]*</dt><dd[^>]*><a[^>]*>(\d+)<', html) == [
        ("still_open", "1"),
        ("overdue", "1"),
    ]
    checked = 0
    for href, text in figure_links(html):
        response = client.get(href)
        assert response.status_code == 200, href
        count = listed_count(response.content.decode())
        if count is not None:
            assert count == int(text.replace(",", "")), (href, text)
            checked += 1
    assert checked >= 19


def test_targets_and_the_reports_pages_give_the_same_city_totals(demo_city, client_as):
    """One rule for a city total (enterprises/ledger.py): for every year of the demo and
    every computed discharge total, the targets' figure is the one the trends give, and a
    year not yet complete has none on either side."""
    from django.utils import translation

    from enterprises import ledger
    from enterprises.models import Pollutant
    from reports import trends
    from targets import computations

    states = ledger.year_states()
    assert not states[2001].complete and states[2000].complete
    last = max(states)
    compared = 0
    for code, _label, _unit in computations.DISCHARGE_TOTALS:
        pollutant = Pollutant.objects.get(code=code)
        series = {row.year: row for row in trends.discharge_by_year.compute(pollutant, last)}
        for year in states:
            target = computations.discharge_total(code, year)
            row = series.get(year)
            shown = row.total if row else None
            assert target == shown, (code, year, target, shown)
            if not states[year].complete:
                assert target is None and (row is None or row.pending == states[year].pending)
            compared += target is not None
    assert compared >= 5 * len(computations.DISCHARGE_TOTALS) // 2

    # The pages say it in both languages: no 2001 total, its enterprises still pending.
    client = client_as("leadership")
    pending = states[2001].pending
    for language, words in (("en", "not yet complete"), ("zh-hans", "尚未齐全")):
        with translation.override(language):
            html = client.get(
                reverse("reports:trends"),
                {"year": 2001, "pollutant": "COD"},
                headers={"accept-language": language},
            ).content.decode()
        assert words in html and str(pending) in html, language
        assert "3,291" not in html
