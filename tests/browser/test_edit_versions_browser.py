"""Two people in two browsers enter the same discharge report: the second save is refused
with the differences, keeps the second's entries, and saves on purpose the second time."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from benxi_cp import roles
from enterprises.models import DischargeReport, DischargeValue, Enterprise, Pollutant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "test-password-123")
    page.click("#login-form button[type=submit]")
    page.wait_for_load_state()


def test_two_pages_saving_the_same_report_grid(page, browser, live_server, make_user, tmp_path):
    alice = make_user(roles.EPB_STAFF, "alice")
    bob = make_user(roles.EPB_STAFF, "bob")
    steel = Enterprise.objects.create(
        code="DEMO-0100", name="溪城特钢厂", name_en="Xicheng Special Steel", sector="iron_steel"
    )
    report = DischargeReport.objects.create(enterprise=steel, year=1999)
    DischargeValue.objects.create(
        report=report,
        pollutant=Pollutant.objects.get(code="COD"),
        amount=Decimal("1000"),
        basis="measured_continuous",
    )
    other = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    second = other.new_page()
    try:
        sign_in(page, live_server, alice)
        sign_in(second, live_server, bob)
        url = f"{live_server.url}{report.entry_url}"
        page.goto(url)
        second.goto(url)

        # Alice saves 1100 first.
        page.fill("tr[data-pollutant=COD] .amount-input", "1100")
        page.click("#save-button")
        expect(page.locator(".alert-success, .alert-warning").first).to_be_visible()

        # Bob, who opened the grid before, saves 1300: refused, with the difference.
        second.fill("tr[data-pollutant=COD] .amount-input", "1300")
        second.click("#save-button")
        conflict = second.locator(".edit-conflict")
        expect(conflict).to_be_visible()
        row = conflict.locator("tbody tr").filter(has_text="1300")
        expect(row.locator(".conflict-yours")).to_contain_text("1300")
        expect(row.locator(".conflict-stored")).to_contain_text("1100")
        expect(row).to_contain_text("alice")
        expect(second.locator("tr[data-pollutant=COD] .amount-input")).to_have_value("1300")
        second.screenshot(path=str(tmp_path / "conflict.png"), full_page=True)
        value = DischargeValue.objects.get(report=report, pollutant__code="COD")
        assert value.amount == Decimal("1100")

        # Having seen Alice's value, Bob saves his again: now it is stored.
        second.click("#save-button")
        expect(second.locator(".edit-conflict")).to_have_count(0)
        value.refresh_from_db()
        assert value.amount == Decimal("1300")
    finally:
        other.close()
