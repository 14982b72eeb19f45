"""The permits' flow, as the EPB does it: a permit and a month of monitoring imported through
the import page, the exceedance on the enterprise page and in the work queue, a case opened
from the queue (prefilled with the exceedance); the leading team reads the case, and only
reads it, and sees it on its dashboard."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from permits.models import EnforcementCase
from tests.reports.factories import make_enterprise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def import_file(page, url: str, path, created: int) -> None:
    """Checks the file on the import page, then imports it."""
    page.goto(url)
    page.set_input_files("#upload-form input[type=file]", str(path))
    page.click("#upload-form button[type=submit]")
    expect(page.locator("#import-result")).to_contain_text(str(created))
    page.click("#commit-form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text(str(created))


def test_an_imported_exceedance_becomes_a_case(login, live_server, epb_user, leader_user, tmp_path):
    today = timezone.localdate()
    year = today.year
    enterprise = make_enterprise("DEMO-0001")
    permits = tmp_path / "permits.csv"
    permits.write_text(
        "permit_no,enterprise_code,valid_from,valid_to,outlet,outlet_kind,pollutant,basis,"
        "limit,unit,monitoring\n"
        f"BX-{year}-1,DEMO-0001,{year}-01-01,{year + 1}-12-31,DW001,water,COD,daily_mean,100,"
        "mg/L,\n",
        encoding="utf-8",
    )
    # January's daily means up to today; one above the limit, one equal to it.
    days = [datetime.date(year, 1, d) for d in range(1, 32) if datetime.date(year, 1, d) <= today]
    values = {1: "130", 2: "100"}
    monitoring = tmp_path / "monitoring.csv"
    monitoring.write_text(
        "enterprise_code,outlet,pollutant,measured_at,basis,value,unit,below_detection,method\n"
        + "".join(
            f"DEMO-0001,DW001,COD,{day},daily_mean,{values.get(day.day, '80')},mg/L,no,automatic\n"
            for day in days
        ),
        encoding="utf-8",
    )
    page = login(epb_user)
    import_file(page, f"{live_server.url}/import/permits/", permits, 1)
    import_file(page, f"{live_server.url}/import/monitoring/", monitoring, len(days))

    page.goto(f"{live_server.url}{enterprise.get_absolute_url()}")
    expect(page.locator("#enterprise-exceedances")).to_contain_text("DW001")

    page.goto(f"{live_server.url}/")
    queue = page.locator("#queue-permits-violations")
    expect(queue.locator(".worklist-item")).to_have_count(1)
    expect(queue.locator(".worklist-item-title")).to_have_attribute(
        "href", enterprise.get_absolute_url()
    )
    expect(queue.locator(".worklist-item-detail")).to_contain_text(f"{year}")
    queue.locator(".worklist-item-link").click()
    expect(page.locator("#id_violations-0-outlet")).to_have_value("DW001")
    page.fill("#id_summary", "DW001 化学需氧量日均值超标")
    page.click("#case-save")
    expect(page.locator("#case-violations")).to_contain_text("DW001")
    case = EnforcementCase.objects.get(enterprise=enterprise)
    assert case.violations.get().year == year

    page.goto(f"{live_server.url}/")  # the case opened: no longer waiting
    expect(page.locator("#queue-permits-violations .worklist-item")).to_have_count(0)

    page.context.clear_cookies()
    page = login(leader_user)
    page.goto(f"{live_server.url}/permits/cases/")
    expect(page.locator("body")).to_contain_text("DW001 化学需氧量日均值超标")
    expect(page.locator("#create-button")).to_have_count(0)
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    expect(page.locator("#case-status")).to_be_visible()
    expect(page.locator("#edit-button")).to_have_count(0)
    # ... and on the leadership dashboard: one enterprise exceeding, one case open, each
    # count opening the records behind it.
    page.goto(f"{live_server.url}/reports/?year={year}")
    open_cases = page.locator('#compliance [data-cases="still_open"] dd')
    expect(open_cases).to_have_text(re.compile(r"^\s*1\s*$"))
    open_cases.locator("a").click()
    expect(page.locator("body")).to_contain_text("DW001 化学需氧量日均值超标")
