import pytest
from playwright.sync_api import expect

from enterprises.models import Enterprise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_epb_staff_search_switch_language_and_create(login, live_server, epb_user):
    Enterprise.objects.create(
        code="DEMO-0100", name="溪城焦化厂", name_en="Xicheng Coking", sector="coal"
    )
    Enterprise.objects.create(
        code="DEMO-0101", name="明山水泥厂", name_en="Mingshan Cement", sector="building_materials"
    )
    page = login(epb_user)
    page.goto(f"{live_server.url}/enterprises/")
    expect(page.locator("h1")).to_have_text("企业名录")

    page.click("button[data-lang=en]")
    expect(page.locator("h1")).to_have_text("Enterprise register")

    page.fill("#id_q", "coking")
    page.click(".filter-form button[type=submit]")
    expect(page.locator("table tbody tr")).to_have_count(1)
    expect(page.locator("table tbody")).to_contain_text("Xicheng Coking")

    page.click("#create-button")
    page.fill("#id_code", "DEMO-0200")
    page.fill("#id_name", "南岭化肥厂")
    page.fill("#id_name_en", "Nanling Fertiliser Plant")
    page.select_option("#id_sector", "chemicals")
    page.fill("#id_employees", "850")
    page.click("input[type=submit], button[type=submit][name=save]")
    expect(page.locator("h1")).to_contain_text("Nanling Fertiliser Plant")

    page.goto(f"{live_server.url}/enterprises/?q=DEMO-0200")
    expect(page.locator("table tbody")).to_contain_text("Nanling Fertiliser Plant")
    page.click("button[data-lang=zh-hans]")
    expect(page.locator("table tbody")).to_contain_text("南岭化肥厂")
    assert Enterprise.objects.get(code="DEMO-0200").created_by == epb_user


def test_leadership_sees_no_create_button(login, live_server, leader_user):
    Enterprise.objects.create(code="DEMO-0100", name="溪城焦化厂", sector="coal")
    page = login(leader_user)
    page.goto(f"{live_server.url}/enterprises/")
    expect(page.locator("table tbody")).to_contain_text("溪城焦化厂")
    expect(page.locator("#create-button")).to_have_count(0)
    response = page.goto(f"{live_server.url}/enterprises/new/")
    assert response.status == 403
