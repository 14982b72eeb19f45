from decimal import Decimal

import pytest
from playwright.sync_api import expect

from targets.models import Actual, Department, Indicator, Target

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_programme_office_creates_an_indicator_and_a_target_and_sees_the_progress(
    login, live_server, administrator
):
    Department.objects.create(code="water", name="市水利局", name_en="Water Bureau")
    page = login(administrator)
    page.goto(f"{live_server.url}/targets/")
    expect(page.locator("h1")).to_contain_text("目标")

    page.click("#create-button")
    page.fill("#id_code", "water_reuse")
    page.select_option("#id_dimension", "resource")
    page.fill("#id_name", "工业用水重复利用率")
    page.fill("#id_name_en", "Industrial water reuse rate")
    page.fill("#id_unit", "%")
    page.select_option("#id_direction", "higher")
    page.select_option("#id_department", label="市水利局")
    page.click("input[type=submit][name=save], button[type=submit][name=save]")
    expect(page.locator("h1")).to_contain_text("工业用水重复利用率")

    page.click("#add-target")
    page.fill("#id_baseline_year", "1996")
    page.fill("#id_baseline_value", "72")
    page.fill("#id_goal_year", "2000")
    page.fill("#id_goal_value", "82")
    page.click("input[type=submit][name=save], button[type=submit][name=save]")
    expect(page.locator("#targets-table")).to_contain_text("82")

    page.click("#add-actual")
    page.fill("#id_year", "1998")
    page.fill("#id_value", "78")
    page.click("input[type=submit][name=save], button[type=submit][name=save]")
    expect(page.locator("#actuals-table")).to_contain_text("78")
    # 72 → 82, 78 in 1998: 60 % of the way where the straight line expects 50 %
    expect(page.locator("#targets-table .progress-pct")).to_have_text("60.0%")
    expect(page.locator("#targets-table .light")).to_have_class("light light-green")

    page.goto(f"{live_server.url}/targets/")
    row = page.locator("tr.target-row[data-indicator=water_reuse]")
    expect(row).to_have_attribute("data-light", "green")
    expect(row.locator(".target-bar-fill")).to_have_class("target-bar-fill pct-60 fill-green")
    indicator = Indicator.objects.get(code="water_reuse")
    assert indicator.created_by == administrator
    assert Actual.objects.get(indicator=indicator).value == Decimal("78")


def test_leadership_sees_the_traffic_lights_and_cannot_edit(login, live_server, leader_user):
    epb = Department.objects.create(code="epb", name="市环境保护局", name_en="EPB")
    for code, actual in [("good", "95"), ("bad", "50")]:
        indicator = Indicator.objects.create(
            code=code,
            dimension="environmental",
            name=f"指标{code}",
            unit="%",
            direction="higher",
            department=epb,
        )
        Target.objects.create(
            indicator=indicator,
            baseline_year=1996,
            baseline_value=Decimal(40),
            goal_year=2000,
            goal_value=Decimal(100),
        )
        Actual.objects.create(indicator=indicator, year=1998, value=Decimal(actual))
    page = login(leader_user)
    page.goto(f"{live_server.url}/targets/")
    expect(page.locator("tr.target-row[data-indicator=good] .light")).to_have_class(
        "light light-green"
    )
    expect(page.locator("tr.target-row[data-indicator=bad] .light")).to_have_class(
        "light light-red"
    )
    expect(page.locator("#create-button")).to_have_count(0)
    expect(page.locator("#recompute-button")).to_have_count(0)

    page.click("tr.target-row[data-indicator=bad] a >> nth=0")
    expect(page.locator("h1")).to_contain_text("指标bad")
    expect(page.locator("img.indicator-chart")).to_be_visible()
    for button in ("#edit-button", "#add-target", "#add-actual"):
        expect(page.locator(button)).to_have_count(0)
    response = page.goto(f"{live_server.url}/targets/indicators/bad/actuals/new/")
    assert response.status == 403
    response = page.goto(f"{live_server.url}/targets/indicators/new/")
    assert response.status == 403
