"""Playwright drives Debian's Chromium (never a downloaded browser)."""

import os
from pathlib import Path

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread


# One request at a time in the live server. On SQLite the test database lives in memory and
# every server thread shares its one connection; Chromium loading a dashboard's charts in
# parallel could leave those threads waiting on each other for good. A plain WSGIServer
# closes each connection after its response, so the browser's requests simply queue.
class _SerialWSGIServer(WSGIServer):
    def __init__(self, *args, connections_override=None, **kwargs):
        # The server thread itself already uses the overridden connections (its run()).
        super().__init__(*args, **kwargs)


LiveServerThread.server_class = _SerialWSGIServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def _chromium_present():
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(
                f"{CHROMIUM} is missing; CI must run the browser tests (apt-get install chromium)"
            )
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture
def login(page, live_server):
    """login(user) opens the log-in page and signs in; the page is then on the home page."""

    def sign_in(user, password: str = "test-password-123"):
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        page.click("#login-form button[type=submit]")
        page.wait_for_load_state()
        return page

    return sign_in


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # The bureau's browsers ask for Chinese; the interface starts in Chinese for them.
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1366, "height": 900}}
