"""The landing page as each role uses it: the EPB's verification queue leads to "verify
next", an auditor's audit leads to its next step, and the page fits a phone's width."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from audits.models import Audit
from enterprises.models import DischargeReport, Enterprise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_epb_verifies_from_its_queue_and_the_enterer_sees_none(
    login, live_server, epb_user, epb_verifier
):
    steel = Enterprise.objects.create(code="S-1", name="溪城钢铁厂", sector="iron_steel")
    report = DischargeReport.objects.create(
        enterprise=steel,
        year=2000,
        status="submitted",
        grade="B",
        created_by=epb_user,
        submitted_by=epb_user,
        submitted_at=timezone.now() - datetime.timedelta(days=40),
    )
    page = login(epb_verifier)
    queue = page.locator("#queue-enterprises-verify")
    expect(queue).to_contain_text("S-1 溪城钢铁厂 · 2000")
    expect(queue.locator(".worklist-item.is-overdue")).to_have_count(1)
    expect(queue.locator(".worklist-total")).to_have_text("1")
    queue.locator(".worklist-action").click()
    page.wait_for_url(f"**/enterprises/reports/{report.pk}/verify/")
    expect(page.locator("#report-grade")).to_have_text("B")

    page = login(epb_user)
    expect(page.locator("#queue-enterprises-verify .worklist-empty")).to_have_text(
        "没有待您核实的已提交申报。"
    )
    page.set_viewport_size({"width": 390, "height": 800})
    page.reload()
    assert page_width(page) <= 390


def test_an_auditor_opens_the_next_step_of_their_audit(login, live_server, auditor_user):
    works = Enterprise.objects.create(code="W-1", name="一厂", sector="coal")
    audit = Audit.objects.create(
        enterprise=works, ref="A-1", started_on=datetime.date(2001, 6, 1), steps_completed=0
    )
    audit.team.add(auditor_user)
    page = login(auditor_user)
    queue = page.locator("#queue-audits-timetable")
    expect(queue).to_contain_text("第 1 步")
    expect(queue.locator(".worklist-item-due .badge")).to_have_text("已逾期")
    queue.locator("a.worklist-item-title").click()
    page.wait_for_url(f"**/audits/{audit.pk}/steps/1/")
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(live_server.url + "/")
    assert page_width(page) <= 390
