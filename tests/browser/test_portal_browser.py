"""The EPB invites an enterprise user, who accepts, logs in and sees their own enterprise
only, in Chinese and in English."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from enterprises.models import DischargeReport, Enterprise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Steel-works-2001"


@pytest.mark.parametrize("lang", ["zh-CN", "en-GB"])
def test_invite_accept_log_in_and_see_the_own_enterprise_only(
    login, live_server, epb_user, browser, page, lang
):
    steel = Enterprise.objects.create(
        code="S-1", name="溪城钢铁厂", name_en="Xicheng Steel", sector="iron_steel"
    )
    cement = Enterprise.objects.create(
        code="C-2", name="明山水泥厂", name_en="Mingshan Cement", sector="building_materials"
    )
    own = DischargeReport.objects.create(enterprise=steel, year=2000, status="submitted")
    other = DischargeReport.objects.create(enterprise=cement, year=2000, status="submitted")

    page = login(epb_user)
    page.goto(f"{live_server.url}/portal/accounts/")
    page.click("#invite-link")
    page.fill("#id_full_name", "孙丽")
    page.fill("#id_email", "sun.li@example.com")
    page.fill("#id_enterprise", "S-1")
    page.select_option("#id_level", "preparer")
    page.click("main form button[type=submit]")
    expect(page.locator("#invitations")).to_contain_text("sun.li@example.com")
    link = re.search(r"https?://\S+/portal/invitations/\S+/", mail.outbox[-1].body).group(0)

    context = browser.new_context(locale=lang)
    invited = context.new_page()
    invited.goto(link)
    expect(invited.locator("#invitation-text")).to_contain_text(
        "溪城钢铁厂" if lang == "zh-CN" else "Xicheng Steel"
    )
    invited.fill("#id_username", "sunli")
    invited.fill("#id_password1", PASSWORD)
    invited.fill("#id_password2", PASSWORD)
    invited.click("#accept-button")
    expect(invited.locator(f"#enterprise-{steel.pk}")).to_be_visible()
    expect(invited.locator("main")).not_to_contain_text("明山水泥厂")
    expect(invited.locator("main")).not_to_contain_text("Mingshan Cement")

    # log out, and in again with the new password
    invited.click("#user-menu")
    invited.locator("form[action='/logout/'] button").click()
    invited.goto(f"{live_server.url}/login/")
    invited.fill("#id_username", "sunli")
    invited.fill("#id_password", PASSWORD)
    invited.click("#login-form button[type=submit]")
    expect(invited.locator(f"#enterprise-{steel.pk}")).to_be_visible()
    invited.click(f"a[href='/portal/reports/{own.pk}/']")
    expect(invited.locator("#report-status")).to_be_visible()
    for url in (f"/portal/reports/{other.pk}/", "/enterprises/", "/enterprises/reports/"):
        response = invited.goto(f"{live_server.url}{url}")
        assert response.status == 404, url
    # the link worked once
    response = invited.goto(link)
    assert response.status == 410
    context.close()
