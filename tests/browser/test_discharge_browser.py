"""EPB staff enter a report in the grid by keyboard, see the trend flag, submit; another
member of the EPB verifies it after acknowledging its serious flag."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from enterprises.models import DischargeReport, DischargeValue, Enterprise, Pollutant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MEASURED = "measured_continuous"


def verified_history(enterprise: Enterprise) -> None:
    cod, so2 = Pollutant.objects.get(code="COD"), Pollutant.objects.get(code="SO2")
    for offset, amount in enumerate([1000, 1040, 980, 1010, 990]):
        report = DischargeReport.objects.create(
            enterprise=enterprise, year=1995 + offset, status="submitted"
        )
        DischargeValue.objects.create(report=report, pollutant=cod, amount=amount, basis=MEASURED)
        DischargeValue.objects.create(report=report, pollutant=so2, amount=20000, basis=MEASURED)
        report.status = "verified"
        report.save()


def test_epb_staff_enter_submit_and_another_verifies_a_report_by_keyboard(
    login, live_server, epb_user, epb_verifier
):
    steel = Enterprise.objects.create(
        code="DEMO-0100", name="溪城特钢厂", name_en="Xicheng Special Steel", sector="iron_steel"
    )
    verified_history(steel)
    page = login(epb_user)
    page.goto(f"{live_server.url}{steel.get_absolute_url()}")
    page.click("#new-report")
    # The start form proposes the year after the last report; Enter opens the grid.
    expect(page.locator("#id_year")).to_have_value("2000")
    page.focus("#id_year")
    page.keyboard.press("Enter")
    expect(page.locator("#entry-grid")).to_be_visible()

    # The cursor starts in the first amount; Enter moves on to the next one.
    cod = page.locator("tr[data-pollutant=COD] .amount-input")
    so2 = page.locator("tr[data-pollutant=SO2] .amount-input")
    expect(cod).to_be_focused()
    page.keyboard.type("9800")
    page.keyboard.press("Enter")
    expect(so2).to_be_focused()
    page.keyboard.type("20500")
    page.keyboard.press("Enter")
    expect(page.locator("#save-button")).to_be_focused()
    page.keyboard.press("Enter")

    # Saved as a draft, and the implausible COD is flagged beside its field.
    expect(page.locator(".alert-warning")).to_be_visible()
    cod_row = page.locator("tr[data-pollutant=COD]")
    expect(cod_row).to_have_class("flag-serious")
    expect(cod_row.locator(".severity-serious")).to_be_visible()
    expect(cod_row.locator(".flag-list")).to_contain_text("9,800")
    expect(page.locator("tr[data-pollutant=SO2] .flag-list")).to_have_count(0)
    report = DischargeReport.objects.get(enterprise=steel, year=2000)
    assert report.status == "draft" and report.grade == "C"
    assert report.values.get(pollutant__code="COD").amount == Decimal(9800)

    # Submit from the grid (keyboard: focus the button, press Enter). Whoever entered it
    # may not verify it: the page says so, and offers no verify button.
    page.focus("#submit-button")
    page.keyboard.press("Enter")
    expect(page.locator("#report-status")).to_have_text("已提交")
    expect(page.locator("#report-grade")).to_have_text("C")
    expect(page.locator("#duties-note")).to_be_visible()
    expect(page.locator("#verify-button")).to_have_count(0)

    # Another member of the EPB: "verify next" opens the confirmation page with the flags
    # and the grade; the serious flag must be acknowledged before the report is locked.
    page = login(epb_verifier)
    page.goto(f"{live_server.url}/enterprises/reports/")
    page.click("#verify-next")
    expect(page.locator("#report-grade")).to_have_text("C")
    expect(page.locator("#verify-flags .severity-serious").first).to_be_visible()
    page.focus("#confirm-verify")
    page.keyboard.press("Enter")
    expect(page.locator("#id_acknowledge")).to_have_class("form-check-input is-invalid")
    report.refresh_from_db()
    assert report.status == "submitted"
    page.check("#id_acknowledge")
    page.focus("#confirm-verify")
    page.keyboard.press("Enter")
    expect(page.locator("#report-status")).to_have_text("已核实")
    expect(page.locator("#locked-note")).to_be_visible()
    expect(page.locator("#edit-link")).to_have_count(0)
    report.refresh_from_db()
    assert report.status == "verified" and report.verified_by == epb_verifier

    # The grid no longer opens for it: straight back to the locked report.
    page.goto(f"{live_server.url}{report.entry_url}")
    expect(page.locator("#locked-note")).to_be_visible()
