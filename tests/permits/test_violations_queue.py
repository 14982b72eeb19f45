"""The EPB's queue of violations without a case (permits/worklist.py): the enterprises whose
compliance this year shows an exceedance, missing required monitoring or an annual quantity
above the permitted one, and that have no open case; each links to a new case."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from benxi_cp import worklist
from enterprises.models import AnnualDischarge, Pollutant
from permits.choices import CaseOutcome, CaseStatus
from permits.models import EnforcementCase
from permits.worklist import violations_without_case
from tests.permits.test_compliance import value
from tests.permits.test_permits import make_permit
from tests.reports.factories import make_enterprise

TODAY = datetime.date(2001, 12, 31)  # monthly slots ended by 16 December count: Jan–Nov
COD = ("DW001", "water", "COD", "daily_mean", "100", "mg/L", "")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def case(enterprise, **fields) -> EnforcementCase:
    values = {"summary": "COD", "opened_on": datetime.date(2001, 3, 1)} | fields
    return EnforcementCase.objects.create(enterprise=enterprise, **values)


def exceeding(code: str, amount: str = "101"):
    works = make_enterprise(code)
    make_permit(works, f"P-{code}", rows=[COD])
    value(works, "2001-05-04", amount)
    return works


@pytest.fixture
def records(db):
    """A: two exceedances; B: monthly monitoring never sent; C: above its permitted quantity;
    D: an exceedance and an open case; E: an exceedance and a closed case; F: compliant (a
    value equal to its limit); G: an exceedance of last year."""
    a = exceeding("A")
    value(a, "2001-06-04", "150")
    b = make_enterprise("B")
    make_permit(b, "P-B", rows=[COD[:6] + ("monthly",)])
    c = make_enterprise("C")
    make_permit(c, "P-C", rows=[("", "", "COD", "annual_total", "10", "t", "")])
    AnnualDischarge.objects.create(
        enterprise=c,
        year=2001,
        pollutant=Pollutant.objects.get(code="COD"),
        amount=Decimal("10.5"),
        basis="Y",
        verified=True,
    )
    case(exceeding("D"))
    e = exceeding("E")
    case(
        e,
        status=CaseStatus.CLOSED,
        notice_number="BX-1",
        notice_date=datetime.date(2001, 3, 2),
        deadline=datetime.date(2001, 3, 31),
        outcome=CaseOutcome.RESOLVED,
        closed_on=datetime.date(2001, 4, 1),
    )
    exceeding("F", "100")
    g = make_enterprise("G")
    make_permit(g, "P-G", first="2000-01-01", rows=[COD])
    value(g, "2000-05-04", "180")
    return {"A": a, "B": b, "C": c, "E": e}


@pytest.mark.django_db
def test_violations_without_an_open_case_wait_for_the_epb(records, epb_user, leader_user):
    batch = violations_without_case(epb_user, TODAY)
    assert [item.title for item in batch] == ["A A Works", "E E Works", "B B Works", "C C Works"]
    assert batch.total == 4 and batch.more_url == f"{reverse('permits:compliance')}?year=2001"
    first = batch[0]
    assert first.url == records["A"].get_absolute_url()
    assert first.detail == "2001: 2 exceedances"
    create = reverse("permits:case_create")
    assert first.links == (("Open a case", f"{create}?enterprise={records['A'].pk}"),)
    assert batch[2].detail == "2001: 11 required results missing"
    assert batch[3].detail == "2001: above the permitted quantity of COD"
    # the leading team reads cases but opens none: not its queue
    assert worklist.items_for(leader_user, TODAY, kinds={"permits.violations"}) == []
    # a case opened: the enterprise leaves the queue
    case(records["A"])
    assert [item.title for item in violations_without_case(epb_user, TODAY)][0] == "E E Works"


@pytest.mark.django_db
def test_the_queue_is_capped_and_runs_a_fixed_number_of_queries(
    records, epb_user, django_assert_num_queries
):
    epb_user.has_perm("permits.add_enforcementcase")  # the permissions, read once
    # The standings' tokens and the concentration rows' (a figure of its own); computed once
    # (limits, values by month, monitored days; the annual limits, the verified discharge),
    # then read from the cache; the open cases among them, the enterprises.
    with django_assert_num_queries(9):
        assert violations_without_case(epb_user, TODAY).total == 4
    with django_assert_num_queries(3):
        assert violations_without_case(epb_user, TODAY).total == 4
    for n in range(worklist.LIMIT):
        exceeding(f"X{n}")
    with django_assert_num_queries(9):
        batch = violations_without_case(epb_user, TODAY)
    assert (len(batch), batch.total) == (worklist.LIMIT, 4 + worklist.LIMIT)


@pytest.mark.django_db
def test_the_landing_page_links_to_the_enterprise_and_a_new_case(client, db, epb_user):
    year = timezone.localdate().year  # the landing page's "this year" is today's
    works = make_enterprise("B")
    make_permit(works, "P-B", first=f"{year}-01-01", last=f"{year + 1}-12-31", rows=[COD])
    value(works, f"{year}-01-01", "120")
    client.cookies["django_language"] = "en"
    client.force_login(epb_user)
    html = client.get(reverse("home")).content.decode()
    section = html[html.index('id="queue-permits-violations"') :]
    section = section[: section.index("</section>")]
    create = reverse("permits:case_create")
    assert f'href="{create}?enterprise={works.pk}"' in section
    assert "Open a case" in section and "Violations without a case" in section
