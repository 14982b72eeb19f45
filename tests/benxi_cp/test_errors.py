"""The error pages (templates/403.html, 404.html, 500.html, 403_csrf.html; benxi_cp/errors.py),
the log lines of request errors (benxi_cp/logs.py) and the Content-Security-Policy header."""

import io
import logging

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from benxi_cp import errors, views
from benxi_cp.logs import ClientErrorsInOneLine


@pytest.fixture
def log_lines():
    """What the settings' console handler writes, while the test runs."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, ClientErrorsInOneLine) for f in h.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "home"),
    [("zh-hans", "页面不存在", "返回首页"), ("en", "Page not found", "Go to the home page")],
)
def test_a_missing_page_is_the_sites_own_in_the_users_language(
    client_as, language, heading, home, log_lines
):
    client = client_as("leadership")
    client.cookies["django_language"] = language
    response = client.get("/enterprises/999999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert heading in html and home in html
    assert 'id="main-nav"' in html  # the whole layout: the menus lead anywhere
    assert f'href="{reverse("home")}"' in html
    assert log_lines.getvalue().count("\n") == 1
    assert "Not Found: /enterprises/999999999/" in log_lines.getvalue()


@pytest.mark.django_db
def test_a_denied_page_says_so_in_the_layout_and_logs_one_line_without_traceback(
    client, make_user, log_lines
):
    client.force_login(make_user(None, username="no-role"))
    client.cookies["django_language"] = "en"
    response = client.get(reverse("enterprises:list"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Access denied" in html and 'id="error-home"' in html and 'id="main-nav"' in html
    logged = log_lines.getvalue()
    assert "Forbidden (Permission denied): /enterprises/" in logged
    assert logged.count("\n") == 1 and "Traceback" not in logged


@pytest.mark.django_db
def test_a_server_error_shows_the_500_page_and_logs_the_traceback(
    client_as, monkeypatch, log_lines
):
    def broken(self, request, *args, **kwargs):
        raise RuntimeError("broken on purpose")

    monkeypatch.setattr(views.HomeView, "get", broken)
    client = client_as("leadership")
    client.raise_request_exception = False
    client.cookies["django_language"] = "en"
    response = client.get(reverse("home"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html and 'id="error-home"' in html
    assert "Benxi Cleaner Production" in html  # the site's title, without a request context
    logged = log_lines.getvalue()
    assert "Internal Server Error: /" in logged and "RuntimeError: broken on purpose" in logged
    assert "Traceback" in logged


@pytest.mark.django_db
def test_the_500_page_needs_no_database(django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = errors.server_error(request)
    assert response.status_code == 500 and b'id="error-home"' in response.content


@pytest.mark.django_db
def test_a_form_sent_without_its_csrf_token_leads_back_to_the_form(log_lines):
    client = Client(enforce_csrf_checks=True)
    client.cookies["django_language"] = "en"
    login = reverse("login")
    response = client.post(
        login, {"username": "x", "password": "y"}, HTTP_REFERER=f"http://testserver{login}"
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "The form has expired" in html and "Nothing was saved" in html
    assert 'id="error-back"' in html and f'href="http://testserver{login}"' in html
    assert "Forbidden (CSRF cookie not set.): /login/" in log_lines.getvalue()
    # A referer of another site is no way back.
    response = client.post(login, {}, HTTP_REFERER="https://elsewhere.example/form/")
    assert response.status_code == 403 and b"elsewhere" not in response.content


@pytest.mark.django_db
def test_every_page_carries_the_policy_and_a_chart_its_own(client_as):
    client = client_as("leadership")
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "style-src 'self'" in policy and "unsafe" not in policy
    assert "frame-ancestors 'none'" in policy
    chart = client.get(reverse("reports:chart", args=["options"]), {"year": 2001})
    assert chart.status_code == 200 and chart["Content-Type"].startswith("image/svg+xml")
    assert set(chart["Content-Security-Policy"].split("; ")) == {
        "default-src 'none'",
        "style-src 'unsafe-inline'",
        "frame-ancestors 'none'",
    }


def test_the_filter_drops_tracebacks_of_client_errors_only():
    def record(status: int) -> logging.LogRecord:
        try:
            raise ValueError("x")
        except ValueError:
            import sys

            made = logging.LogRecord("django.request", 30, "", 0, "m", (), sys.exc_info())
        made.status_code = status
        return made

    denied, failed = record(403), record(500)
    assert ClientErrorsInOneLine().filter(denied) and denied.exc_info is None
    assert ClientErrorsInOneLine().filter(failed) and failed.exc_info is not None
