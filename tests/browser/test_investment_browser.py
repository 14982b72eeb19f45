"""The EPB enters an enterprise's environmental investment; it shows in the investment trend
and on the enterprise's page."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from programme.models import EnvironmentalInvestment
from tests.reports.factories import make_enterprise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _environmental_years(svg: str) -> set[str]:
    return {
        element.get("id").rsplit("-", 1)[1]
        for element in ET.fromstring(svg).iter()
        if element.get("id", "").startswith("series-environmental-")
    }


def test_epb_enters_an_investment_and_sees_it_in_the_trend_and_on_the_enterprise_page(
    login, live_server, epb_user
):
    enterprise = make_enterprise("BX-01", name="本溪发电厂", sector="power")
    page = login(epb_user)
    chart = f"{live_server.url}{reverse('reports:chart', args=['investment'])}?year=2001"
    assert _environmental_years(page.request.get(chart).text()) == set()

    page.click("nav >> text=项目办公室")
    page.click("nav >> text=环境投资")
    expect(page.locator("h1")).to_contain_text("环境投资")
    page.click("#create-button")
    page.fill("#id_enterprise", enterprise.code)  # the enterprise box takes its code
    page.fill("#id_year", "2000")
    page.fill("#id_project", "锅炉烟气脱硫")
    page.select_option("#id_category", "treatment")
    page.fill("#id_amount_10k_yuan", "850.5")
    page.select_option("#id_source", "government")
    page.select_option("#id_status", "completed")
    page.click("#investment-form button[type=submit], #investment-form input[type=submit]")
    expect(page.locator("#investment-fields")).to_contain_text("锅炉烟气脱硫")
    expect(page.locator("#investment-history li")).to_have_count(1)

    # The trend counts it in its year, beside the CP options (none here).
    assert _environmental_years(page.request.get(chart).text()) == {"2000"}

    page.click("#investment-fields a")  # the enterprise
    row = page.locator("#panel-investment #investment-year-2000")
    expect(row).to_contain_text("850.50")
    record = EnvironmentalInvestment.objects.get()
    assert record.amount_10k_yuan == Decimal("850.50") and record.created_by == epb_user
