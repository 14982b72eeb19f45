"""An administrator issues an API token in the app, uses it, and reads the documentation
that the app serves itself (Swagger UI and ReDoc from static files, no inline script)."""

import os
import re

import pytest
from playwright.sync_api import expect
from rest_framework.test import APIClient

from api.models import ApiToken
from benxi_cp import roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("BENXI_SCREENSHOTS")  # a folder to keep the pages' screenshots in


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_administrator_issues_and_revokes_a_token(login, live_server, administrator, make_user):
    make_user(roles.EPB_STAFF, "platform")
    page = login(administrator)
    page.click("#user-menu")  # the administrator's tools are in the user's drop-down
    page.click("nav >> text=接口令牌")
    expect(page.locator("h1")).to_contain_text("接口令牌")
    page.click("text=签发令牌")
    page.select_option("#id_user", label="platform")
    page.fill("#id_name", "省排污许可平台")
    page.click("button[type=submit]:has-text('签发令牌')")
    key = page.locator("#api-key").inner_text()
    assert re.fullmatch(r"bx_[A-Za-z0-9_-]{40,}", key)
    _shot(page, "api-token-issued")

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/discharge-reports/").status_code == 200

    page.click("text=完成")
    expect(page.locator("table")).to_contain_text("省排污许可平台")
    assert key not in page.content()
    _shot(page, "api-tokens")
    page.click("button:has-text('吊销')")
    expect(page.locator("table")).to_contain_text("已吊销")
    assert not ApiToken.objects.active().exists()
    assert api.get("/api/v1/discharge-reports/").status_code == 401


@pytest.mark.parametrize(
    ("path", "ready"), [("docs", ".swagger-ui .info"), ("redoc", "redoc-wrap, .redoc-wrap")]
)
def test_documentation_renders_from_the_apps_static_files(
    login, live_server, administrator, path, ready
):
    page = login(administrator)
    errors, outside = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith((live_server.url, "data:", "blob:"))
            else None
        ),
    )
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .info").first).to_be_visible(timeout=20000)
    expect(page.locator("body")).to_contain_text("本溪清洁生产数据接口", timeout=20000)
    expect(page.locator(".swagger-ui")).to_contain_text("/api/v1/discharge-reports/batch/")
    _shot(page, "api-docs-zh")
    # "Try it out" with the session: a list answers 200 in the page.
    page.click("#operations-enterprises-enterprises_list button.opblock-summary-control")
    page.click("#operations-enterprises-enterprises_list button.try-out__btn")
    page.click("#operations-enterprises-enterprises_list button.execute")
    expect(
        page.locator("#operations-enterprises-enterprises_list .live-responses-table")
    ).to_contain_text("200", timeout=20000)
    _shot(page, "api-docs-try")
    assert errors == [] and outside == []
