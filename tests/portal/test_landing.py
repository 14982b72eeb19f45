"""The enterprise user's own page: the register entry, reports with their flags, the audit
timetable and the deadlines; the dates the reports are due."""

import datetime

import pytest
from django.urls import reverse

from audits.models import Audit
from enterprises.models import DischargeReport, ReliabilityFlag
from portal import deadlines


def test_due_dates_follow_the_rules():
    assert deadlines.due_date("M", 2000, 3) == datetime.date(2000, 4, 15)
    assert deadlines.due_date("M", 2000, 12) == datetime.date(2001, 1, 15)
    assert deadlines.due_date("Q", 2000, 1) == datetime.date(2000, 4, 15)
    assert deadlines.due_date("Q", 2000, 4) == datetime.date(2001, 1, 15)
    assert deadlines.due_date("Y", 2000, 0) == datetime.date(2001, 1, 31)


@pytest.mark.parametrize(
    "today, month, quarter, year",
    [
        (datetime.date(2001, 1, 14), (2000, 11), (2000, 3), (1999, 0)),
        (datetime.date(2001, 1, 15), (2000, 12), (2000, 4), (1999, 0)),
        (datetime.date(2001, 1, 31), (2000, 12), (2000, 4), (2000, 0)),
        (datetime.date(2001, 7, 16), (2001, 6), (2001, 2), (2000, 0)),
    ],
)
def test_the_last_period_due(today, month, quarter, year):
    assert deadlines.last_period_due("M", today) == month
    assert deadlines.last_period_due("Q", today) == quarter
    assert deadlines.last_period_due("Y", today) == year


def test_the_due_rules_are_settings(settings):
    settings.BENXI_REPORT_DUE_MONTHLY_DAY = 20
    settings.BENXI_REPORT_DUE_ANNUAL = (3, 31)
    assert deadlines.due_date("M", 2000, 3) == datetime.date(2000, 4, 20)
    assert deadlines.due_date("Y", 2000, 0) == datetime.date(2001, 3, 31)


@pytest.mark.django_db
def test_missing_and_draft_reports_are_overdue_received_ones_not(steel):
    today = datetime.date(2001, 2, 20)
    received = DischargeReport.objects.create(enterprise=steel, year=2000, status="submitted")
    draft = DischargeReport.objects.create(
        enterprise=steel, year=2001, period_kind="M", period_number=1
    )
    found = {d.period: d for d in deadlines.deadlines([received, draft], today)}
    assert not found["2000"].overdue and found["2000"].status == received.get_status_display()
    assert found["2001-M01"].overdue and found["2001-M01"].due == datetime.date(2001, 2, 15)
    # quarterly reports: never reported, none expected
    assert not any(period.endswith(("Q1", "Q2", "Q3", "Q4")) for period in found)
    assert deadlines.deadlines([], today)[0].overdue  # the annual report, not received


@pytest.mark.django_db
def test_the_landing_page_shows_the_enterprise_its_flags_audits_and_deadlines(
    client, steel, cement, steel_user, django_assert_max_num_queries
):
    report = DischargeReport.objects.create(enterprise=steel, year=2000, status="returned")
    ReliabilityFlag.objects.create(report=report, code="empty", severity="serious")
    DischargeReport.objects.create(enterprise=cement, year=2000, status="verified")
    Audit.objects.create(enterprise=steel, ref="A-STEEL", started_on="2000-03-01")
    Audit.objects.create(enterprise=cement, ref="A-CEMENT", started_on="2000-03-01")
    client.force_login(steel_user)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("home")).content.decode()
    assert "Xicheng Steel" in page and "Mingshan Cement" not in page
    assert "A-STEEL" in page and "A-CEMENT" not in page
    assert "1 serious" in page and "Returned" in page
    assert "Annual report" in page and "Overdue" in page
    assert reverse("portal:report", args=[report.pk]) in page
    assert "Preparer" in page
    detail = client.get(reverse("portal:report", args=[report.pk])).content.decode()
    assert "Serious" in detail


@pytest.mark.django_db
def test_the_deadlines_are_those_of_the_demos_date(client, steel, steel_user):
    """While the demo is loaded, the enterprise's deadlines are those of its date, as the
    banner says (benxi_cp/clock.py), not of the real today."""
    from benxi_cp.models import SiteFlag

    SiteFlag.objects.create(key=SiteFlag.DEMO_LOADED, value="2002-03-15")
    client.force_login(steel_user)
    page = client.get(reverse("home")).content.decode()
    # the annual report of 2001, due on 31 January 2002 (of the demo's year, not today's)
    assert "2002-01-31" in page
    assert f"{datetime.date.today().year}-01-31" not in page
