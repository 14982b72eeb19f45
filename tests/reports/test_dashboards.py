"""The leadership and EPB dashboards, the comparison and trend pages, the drill-down list."""

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import translation

from tests.fixtures import ALL_ROLES
from tests.reports.factories import grow, make_report

EPB_READERS = {"administrator", "epb_staff"}


def pages() -> dict[str, tuple[str, set[str]]]:
    """Each page and the roles that may open it."""
    everyone = set(ALL_ROLES)
    return {
        "dashboard": (reverse("reports:dashboard"), everyone),
        "epb": (reverse("reports:epb_dashboard"), EPB_READERS),
        "claims": (reverse("reports:claims"), everyone),
        "trends": (reverse("reports:trends"), everyone),
        "enterprises": (reverse("reports:enterprises"), everyone),
        "enterprises-export": (reverse("reports:enterprises") + "?_export=csv", everyone),
    }


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_log_in(client):
    for url, _roles in pages().values():
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_each_role_gets_exactly_what_it_may(client_as, programme, role):
    client = client_as(role)
    for name, (url, allowed) in pages().items():
        expected = 200 if role in allowed else 403
        assert client.get(url, {"year": 2000}).status_code == expected, (role, name)


@pytest.mark.django_db
def test_a_user_without_a_role_sees_none_of_it(client, make_user):
    client.force_login(make_user(None))
    for url, _roles in pages().values():
        assert client.get(url).status_code == 403, url


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role,marker",
    [
        ("leadership", 'id="kpi-programme"'),
        ("epb_staff", 'id="queue-enterprises-verify"'),
        ("administrator", 'id="queue-audits-assessment"'),
        ("auditor", 'id="queue-audits-timetable"'),
    ],
)
def test_leadership_lands_on_its_dashboard_the_others_on_their_queues(client_as, role, marker):
    page = client_as(role).get(reverse("home"))
    assert page.status_code == 200
    assert marker in page.content.decode()


@pytest.mark.django_db
def test_the_year_picker_works_on_the_landing_page(client_as, programme):
    page = client_as("leadership").get(reverse("home"), {"year": 1999}).content.decode()
    assert 'value="1999" selected' in page


def figure_links(html: str, kind: str = "") -> list[tuple[str, str]]:
    """(href, text) of every count (or, with kind="amount", every amount) that links to the
    records behind it."""
    css = "figure-link figure-amount" if kind == "amount" else "figure-link"
    found = re.findall(rf'<a href="([^"]+)" class="{css}">([^<]*)</a>', html)
    return [(unescape(href), text.strip()) for href, text in found]


def listed_count(html: str) -> int | None:
    match = re.search(r'result-count">\s*[^\d<]*([\d,]+)', html)
    return int(match.group(1).replace(",", "")) if match else None


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["dashboard", "epb"])
def test_every_figure_links_to_the_records_it_counts(client_as, programme, name):
    client = client_as("administrator")
    html = client.get(pages()[name][0], {"year": 2000}).content.decode()
    links = figure_links(html)
    assert links, "the figures link somewhere"
    lists = 0
    for href, text in links:
        response = client.get(href)
        assert response.status_code == 200, href
        count = listed_count(response.content.decode())
        if count is not None and text.replace(",", "").isdigit():
            assert count == int(text.replace(",", "")), (href, text)
            lists += 1
    # Every count of records is checked against the list it opens: enterprises, audits by
    # step, options, reports, flags.
    assert lists >= {"dashboard": 19, "epb": 7}[name]
    # Amounts lead to the records they add up.
    amounts = figure_links(html, "amount")
    assert amounts
    for href, _text in amounts:
        assert client.get(href).status_code == 200, href


@pytest.mark.django_db
def test_the_dashboard_shows_the_summary_of_the_year(client_as, programme):
    html = client_as("leadership").get(reverse("reports:dashboard"), {"year": 2000}).content
    html = html.decode()
    for fragment in ("50.0%", "1:3.0", "103", "307", "22.5%"):
        assert fragment in html, fragment
    # A reduction of 190 t reads as such, with no trailing decimals ("190.00").
    assert ">190</a> 吨" in html and "190.00" not in html
    assert 'id="without-baseline"' in html  # E3 is left out of the COD rate
    counts = {href.split("?")[1]: text for href, text in figure_links(html)}
    assert counts["year=2000&in_programme=true"] == "5"
    assert counts["year=2000&accepted_by=national_centre"] == "1"
    assert counts["year=2000&demonstration=true"] == "2"
    assert counts["year=2000&in_programme=true&state_large_medium=true"] == "2"


@pytest.mark.django_db
def test_the_dashboard_shows_the_targets_lights(client_as, programme):
    html = client_as("leadership").get(reverse("reports:dashboard"), {"year": 2000}).content
    html = html.decode()
    lights = dict(re.findall(r'data-light="(\w+)">.*?<strong>(?:<a[^>]*>)?(\d+)', html, re.S))
    assert lights == {"green": "1", "amber": "0", "red": "1", "grey": "0"}
    assert reverse("targets:indicator", args=["gdp"]) in html  # the red one, to follow up
    assert reverse("targets:indicator", args=["cod_total"]) not in html
    assert "targets.svg" in html


@pytest.mark.django_db
def test_the_drill_down_list_counts_as_the_summary_does(client_as, programme):
    client = client_as("leadership")
    url = reverse("reports:enterprises")

    def codes(**query):
        response = client.get(url, {"_export": "csv", **query})
        lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
        return sorted(line.split(",")[0] for line in lines[1:])

    assert codes(year=2000, in_programme="true") == ["E1", "E2", "E3", "E6", "E7"]
    assert codes(year=2000, in_programme="false") == ["E4", "E5"]
    assert codes(year=2001, accepted_by="municipality") == ["E2", "E6"]
    assert codes(year=1999, demonstration="true") == []
    assert codes(year=2000, demonstration="true") == ["E1", "E2"]
    # Reports for 1999: E1 annual (verified), E3 quarters (verified).
    assert codes(year=1999, no_report="true") == ["E2", "E4", "E5", "E6", "E7"]


@pytest.mark.django_db
def test_the_epb_dashboard_counts_its_queues(client_as, programme):
    e5 = programme["e5"]
    make_report(e5, 2000, {"COD": "1"}, status="submitted")
    make_report(e5, 1999, {"COD": "1"}, status="returned")
    html = client_as("epb_staff").get(reverse("reports:epb_dashboard"), {"year": 2000})
    html = html.content.decode()
    awaiting = re.search(r'id="kpi-awaiting".*?kpi-value">\s*(?:<a[^>]*>)?(\d+)', html, re.S)
    assert awaiting.group(1) == "1"  # E5's 2000 report; E2's draft is not submitted
    returned = re.search(r'id="kpi-returned".*?kpi-value">\s*(?:<a[^>]*>)?(\d+)', html, re.S)
    assert returned.group(1) == "1"
    missing = re.search(r'id="kpi-missing".*?kpi-value">\s*(?:<a[^>]*>)?(\d+)', html, re.S)
    assert missing.group(1) == "6"  # only E5 has a report (submitted) for 2000


@pytest.mark.django_db
def test_the_claims_page_highlights_large_gaps(client_as, programme):
    html = client_as("leadership").get(reverse("reports:claims"), {"year": 2000}).content
    html = html.decode()
    # E1's COD: claimed 100 by 1999, measured 600 - 999999: a large gap, highlighted.
    assert 'class="gap-large" data-enterprise="E1" data-pollutant="COD"' in html


@pytest.mark.django_db
def test_the_claims_page_pages_through_the_pairs_and_totals_them_all(
    client_as, programme, monkeypatch
):
    from reports import claims

    everything = claims.comparisons(2000)
    assert len(everything) >= 2
    monkeypatch.setattr(claims, "PAGE_SIZE", 1)
    client = client_as("leadership")
    pages = [
        client.get(reverse("reports:claims"), {"year": 2000, "page": n}).context
        for n in range(1, len(everything) + 1)
    ]
    shown = [(p.enterprise.code, p.pollutant.code) for page in pages for p in page["pairs"]]
    assert shown == [(p.enterprise.code, p.pollutant.code) for p in everything]
    assert pages[0]["next_page"] == 2 and pages[0]["previous_page"] is None
    assert pages[-1]["next_page"] is None
    assert pages[0]["city"] == claims.city_totals(everything)  # the city: every pair
    assert 'id="claims-next"' in client.get(reverse("reports:claims"), {"year": 2000}).text
    # A page beyond the last, or not a number, shows the last or the first: never an error.
    beyond = client.get(reverse("reports:claims"), {"year": 2000, "page": "999"})
    assert beyond.status_code == 200 and beyond.context["page_number"] == len(everything)
    assert client.get(reverse("reports:claims"), {"year": 2000, "page": "x"}).status_code == 200


@pytest.mark.django_db
def test_the_trend_page_for_an_enterprise(client_as, programme):
    client = client_as("leadership")
    e1 = programme["e1"]
    html = client.get(
        reverse("reports:trends"), {"year": 2001, "enterprise": e1.pk, "pollutant": "COD"}
    ).content.decode()
    assert "甲钢铁厂" in html
    assert f"enterprise={e1.pk}" in html and "discharge.svg" in html
    assert client.get(reverse("reports:trends"), {"pollutant": "nothing"}).status_code == 404


# Fixed query counts at two data sizes -------------------------------------------------

# Every page: session, user, the user's groups (role in the menu), the user's own
# permissions, the groups' permissions, demo flag; the years offered: audits' first and last
# start, reports' first and last year, the latest implementation.
PAGE = 9
# Cached figures (benxi_cp.datacache) read the tokens of their scopes first: the years
# offered, the page's figures and, inside those, the summary (dashboard) or the comparisons
# (EPB, claims). Cached, the years and figures cost two reads only. The EPB dashboard's
# queues, missing reports and flags are live counts (a draft's edit changes its flags).
# The dashboard's training and outreach (reports.dashboards.training) is one more figure, its
# incentives and environmental investment (reports.dashboards.incentives_and_investment)
# another.
# Both dashboards' compliance with the permits (reports.compliance_figures.findings) is one
# more figure.
VERSIONS = {"dashboard": 3 + 1 + 1 + 1, "epb": 3 + 1, "claims": 3, "trends": 2}
CACHED = {
    "dashboard": PAGE - 3 + 2 + 1 + 1 + 1,
    "epb": PAGE - 3 + 2 + 3 + 1,
    "claims": PAGE - 3 + 2,
    # and the pollutant asked for, the pollutant list
    "trends": PAGE - 3 + 2 + 2,
}
# Compliance with the permits: the tokens of the enterprises' standings (a figure of its own,
# which the EPB's queue of violations reads too) and of the city's concentration rows (another,
# which a verified report does not move), the limits in force, the values by series and
# month, the annual limits; the tax's equivalents, rates and verified discharge; the
# enforcement cases open and overdue (one aggregate, for the dashboards' counts of cases).
# With permits in force (below), the days measured, the ledger's verified figures and the
# largest exceeders' names as well.
COMPLIANCE = 9
QUERIES = {
    # summary (5: register, audits, options, reductions claimed with their baselines from
    # the ledger, pollutants); audits by steps done (one query); targets and their actuals;
    # training and outreach by audience (2: the events, their enterprises' participants);
    # incentives by year and kind, environmental investment by year (2); the measured
    # reductions beside the claimed ones (1: the comparisons' pairs, a new figure); compliance
    # (COMPLIANCE: no permit in this data)
    "dashboard": PAGE + 5 + 1 + 2 + 2 + 2 + 1 + COMPLIANCE,
    # report queues, enterprises without a report, reliability flags, comparisons (3: the
    # pairs over the claims and the ledger in one query, enterprises, pollutants); compliance
    "epb": PAGE + 3 + 3 + COMPLIANCE,
    # comparisons (3)
    "claims": PAGE + 3,
    # the pollutant asked for, the ledger's year states and verified sums, the pollutant list
    "trends": PAGE + 4,
    # count of the filtered enterprises, the page of them
    "enterprises": PAGE - 3 + 2,
}


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 15])
@pytest.mark.parametrize("name", list(QUERIES))
def test_each_page_runs_a_fixed_number_of_queries(
    client_as, programme, django_assert_num_queries, name, extra
):
    grow(extra)
    client = client_as("administrator")
    url = pages()[name][0]
    query = {"year": 2000, "pollutant": "COD"} if name == "trends" else {"year": 2000}
    cached = name in CACHED
    with django_assert_num_queries(QUERIES[name] + VERSIONS.get(name, 0)):
        response = client.get(url, query)
    assert response.status_code == 200
    if cached:
        with django_assert_num_queries(CACHED[name]):
            again = client.get(url, query)
        assert again.status_code == 200


@pytest.mark.django_db
def test_the_steps_table_counts_as_the_audits_form_does(programme):
    """The dashboard counts steps done grouped in SQL; the audits form lists them per audit:
    the same rule (audits.programme.steps_done)."""
    import datetime

    from audits.choices import StepStatus
    from audits.models import STEP_COUNT, Audit, AuditStep
    from reports.annual import audit_rows
    from reports.dashboards import steps_table

    audit = Audit.objects.get(ref="A3")
    # Dated steps decide: two completed by the end of 2000, one in 2001.
    for number, done_on in ((1, "2000-02-01"), (2, "2000-05-01"), (3, "2001-03-01")):
        AuditStep.objects.filter(audit=audit, number=number).update(
            status=StepStatus.COMPLETED, completed_on=datetime.date.fromisoformat(done_on)
        )
    for year in (1998, 1999, 2000, 2001):
        day = datetime.date(year, 12, 31)
        expected = [0] * (STEP_COUNT + 1)
        for row in audit_rows(day):
            expected[row["steps_done"]] += 1
        assert [figure.value for figure in steps_table(year)] == expected, year
    assert steps_table(2000)[2].value >= 1  # A3: two steps done by the end of 2000


@pytest.mark.django_db
def test_the_dashboard_shows_claimed_and_measured_side_by_side(client_as, programme):
    """Both as reductions (a positive figure is a cut), labelled, with the same rate sign."""
    from reports import claims

    client = client_as("leadership")
    with translation.override("en"):
        html = client.get(reverse("reports:dashboard"), {"year": 2000}, HTTP_ACCEPT_LANGUAGE="en")
    response = html
    html = html.content.decode()
    assert "Claimed" in html and "Measured" in html and 'id="reductions-basis"' in html
    assert "−" not in html  # no minus sign before a rate: one sign convention
    city = {t.pollutant.code: t for t in claims.city_totals(claims.comparisons(2000))}
    items = {i["reduction"].pollutant.code: i for i in response.context["reductions"]}
    cod = items["COD"]["measured"]
    assert (cod.measured, cod.claimed, cod.enterprises) == (
        city["COD"].measured,
        city["COD"].claimed,
        city["COD"].enterprises,
    )
    row = re.search(r'kpi-reductions.*?data-pollutant="COD">(.*?)</tr>', html, re.S).group(1)
    claimed = re.search(r'class="text-end claimed">.*?>([\d,.-]+)</a>', row, re.S).group(1)
    measured = re.search(r'class="text-end measured">.*?>([\d,.-]+)</a>', row, re.S).group(1)
    assert claimed == "190" and measured.replace(",", "") == f"{cod.measured:.0f}"


@pytest.mark.django_db
def test_the_drill_down_list_is_titled_by_its_filters(client_as, programme):
    client = client_as("leadership")
    url = reverse("reports:enterprises")

    def title(**query) -> str:
        with translation.override("en"):
            response = client.get(url, query, HTTP_ACCEPT_LANGUAGE="en")
        return response.context["title"]

    assert title(year=2000, in_programme="true") == (
        "Enterprises in the CP programme, as of 31 December 2000"
    )
    assert title(year=2000, in_programme="false").startswith("Enterprises not in the CP")
    assert title() == "Enterprises of the register"
    assert title(year=2001, accepted_by="municipality") == (
        "Enterprises of the register; audit accepted by Municipality, as of 31 December 2001"
    )
    assert "no discharge report" in title(year=1999, no_report="true")
