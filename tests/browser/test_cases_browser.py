"""The EPB opens an enforcement case from the enterprise page (in Chinese), sees it overdue
in its work queue, and closes it with a penalty (in English); the history shows each step."""

import pytest
from playwright.sync_api import expect

from enterprises.models import Pollutant
from permits.models import EnforcementCase
from tests.reports.factories import make_enterprise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_epb_opens_follows_and_closes_a_case(login, live_server, epb_user):
    enterprise = make_enterprise("DEMO-0001")
    cod = Pollutant.objects.get(code="COD")
    page = login(epb_user)
    page.goto(f"{live_server.url}{enterprise.get_absolute_url()}")
    page.click("#panel-cases .card-footer a")
    page.fill("#id_summary", "DW001 化学需氧量日均值超标")
    page.fill("#id_opened_on", "2026-01-02")
    page.select_option("#id_status", "notified")
    page.fill("#id_notice_number", "本环限改〔2026〕7号")
    page.fill("#id_notice_date", "2026-01-05")
    page.fill("#id_deadline", "2026-01-31")
    page.select_option("#id_violations-0-kind", "exceedance")
    page.fill("#id_violations-0-year", "2025")
    page.fill("#id_violations-0-outlet", "DW001")
    page.select_option("#id_violations-0-pollutant", str(cod.pk))
    page.click("#case-save")
    expect(page.locator("#case-status")).to_contain_text("已下达通知，整改中")
    expect(page.locator("#case-overdue")).to_be_visible()
    expect(page.locator("#case-violations")).to_contain_text("DW001")

    page.goto(f"{live_server.url}/")
    expect(page.locator("body")).to_contain_text("本环限改〔2026〕7号")

    case = EnforcementCase.objects.get()
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    page.click("button[data-lang=en]")
    expect(page.locator("#case-overdue")).to_have_text("overdue")
    page.click("#edit-button")
    page.select_option("#id_status", "closed")
    page.select_option("#id_outcome", "penalty")
    page.fill("#id_closed_on", "2026-03-01")
    page.fill("#id_penalty_yuan", "0")
    page.fill("#id_decision_number", "本环罚〔2026〕3号")
    page.click("#case-save")
    expect(page.locator("#id_penalty_yuan_error")).to_contain_text(
        "A penalty has an amount above zero."
    )
    page.fill("#id_penalty_yuan", "50000")
    page.click("#case-save")
    expect(page.locator("#case-outcome")).to_have_text("Penalty imposed")
    expect(page.locator("#case-overdue")).to_have_count(0)
    page.click("#case-history-link")
    expect(page.locator("#history-table")).to_contain_text("Penalty imposed")
    expect(page.locator("#history-table")).to_contain_text("Notice served, rectifying")
