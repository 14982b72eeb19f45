import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from benxi_cp import roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST = "Coke ovens of 1996"
SECOND = "Sinter plant no. 3"


def test_an_administrator_creates_a_user_who_logs_in_and_changes_their_password(
    login, live_server, administrator, browser
):
    page = login(administrator)
    page.click("#user-menu")
    page.click("#users-link")
    expect(page.locator("h1")).to_have_text("用户")
    page.click("#create-button")
    page.fill("#id_username", "sun.hua")
    page.fill("#id_first_name", "孙华")
    page.select_option("#id_role", roles.EPB_STAFF)
    page.fill("#id_password1", "12345678")
    page.fill("#id_password2", "12345678")
    page.click("main form button[type=submit]")
    expect(page.locator("main form")).to_contain_text("密码只包含数字")
    page.fill("#id_password1", FIRST)
    page.fill("#id_password2", FIRST)
    page.click("main form button[type=submit]")
    expect(page.locator("table tbody")).to_contain_text("sun.hua")
    assert roles.role_of(User.objects.get(username="sun.hua")) == roles.EPB_STAFF

    context = browser.new_context(locale="zh-CN")
    other = context.new_page()
    other.goto(f"{live_server.url}/login/")
    other.fill("#id_username", "sun.hua")
    other.fill("#id_password", FIRST)
    other.click("#login-form button[type=submit]")
    other.click("#user-menu")
    other.click("#password-change-link")
    other.fill("#id_old_password", FIRST)
    other.fill("#id_new_password1", SECOND)
    other.fill("#id_new_password2", SECOND)
    other.click("#password-change-form button[type=submit]")
    expect(other.locator(".alert-success")).to_contain_text("您的密码已修改")
    context.close()
    assert User.objects.get(username="sun.hua").check_password(SECOND)


def test_five_wrong_passwords_lock_and_an_administrator_unlocks(
    login, live_server, administrator, epb_user, browser
):
    page = login(administrator)  # logged in before the address is locked
    context = browser.new_context(locale="zh-CN")
    guesser = context.new_page()
    guesser.goto(f"{live_server.url}/login/")
    for _attempt in range(5):
        guesser.fill("#id_username", epb_user.username)
        guesser.fill("#id_password", "wrong-guess-1")
        guesser.click("#login-form button[type=submit]")
    expect(guesser.locator("#lockout-message")).to_contain_text("登录已锁定 30 分钟")

    page.goto(f"{live_server.url}/accounts/lockouts/")
    expect(page.locator("table tbody")).to_contain_text(epb_user.username)
    page.locator(".unlock-address").first.click()
    expect(page.locator(".alert-success")).to_contain_text("已解除锁定")

    guesser.fill("#id_username", epb_user.username)
    guesser.fill("#id_password", "test-password-123")
    guesser.click("#login-form button[type=submit]")
    expect(guesser.locator("#user-menu")).to_be_visible()
    context.close()
