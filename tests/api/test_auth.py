"""Tokens: issued and revoked by administrators, stored hashed, shown once; the session
for the browser; throttling per token."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from api.models import ApiToken, digest
from benxi_cp import roles

URL = "/api/v1/enterprises/"


def test_without_credentials_401(db):
    response = APIClient().get(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_unknown_and_revoked_tokens_401(make_user):
    user = make_user(roles.LEADERSHIP)
    token, key = ApiToken.issue(user, "platform")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}x")
    assert api.get(URL).status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get(URL).status_code == 200
    token.revoke()
    assert api.get(URL).status_code == 401


def test_inactive_user_401(make_user):
    user = make_user(roles.LEADERSHIP)
    _token, key = ApiToken.issue(user, "platform")
    user.is_active = False
    user.save()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get(URL).status_code == 401


def test_only_the_digest_is_stored_and_last_used_is_kept(make_user):
    user = make_user(roles.LEADERSHIP)
    token, key = ApiToken.issue(user, "platform")
    stored = ApiToken.objects.values().get(pk=token.pk)
    assert key not in str(stored)
    assert stored["key_digest"] == digest(key)
    assert stored["prefix"] == key[:10]
    assert stored["last_used"] is None
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    api.get(URL)
    token.refresh_from_db()
    assert token.last_used is not None


def test_session_reads_and_writes_need_csrf(make_user, city):
    user = make_user(roles.EPB_STAFF)
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(user)
    assert api.get(URL).status_code == 200
    report = city["reports"]["draft"]
    response = api.post(f"/api/v1/discharge-reports/{report.pk}/submit/")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_session_login_through_the_login_page(client, make_user, db):
    """The log-in page (with its login throttling) gives a session the API accepts."""
    make_user(roles.LEADERSHIP, "reader")
    response = client.post(
        reverse("login"), {"username": "reader", "password": "test-password-123"}
    )
    assert response.status_code == 302
    assert client.get(URL).status_code == 200


@override_settings(API_THROTTLE_RATE="3/minute")
def test_throttled_per_token(make_user):
    user = make_user(roles.LEADERSHIP)
    keys = [ApiToken.issue(user, name)[1] for name in ("one", "two")]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {keys[0]}")
    assert [api.get(URL).status_code for _ in range(4)] == [200, 200, 200, 429]
    # Another token of the same user has its own allowance.
    api.credentials(HTTP_AUTHORIZATION=f"Token {keys[1]}")
    assert api.get(URL).status_code == 200


# -- the administrators' pages ------------------------------------------------------------


def test_administrator_issues_a_token_shown_once(client_as, make_user):
    platform = make_user(roles.EPB_STAFF, "platform")
    client = client_as(roles.ADMINISTRATOR)
    response = client.post(reverse("api:token_issue"), {"user": platform.pk, "name": "省平台"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    key = re.search(r'id="api-key">(bx_[^<]+)<', response.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.key_digest) == (platform, "省平台", digest(key))
    listing = client.get(reverse("api:tokens")).content.decode()
    assert "省平台" in listing and token.prefix in listing and key not in listing
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/discharge-reports/").status_code == 200


def test_issue_form_refuses_an_empty_name(client_as, make_user):
    platform = make_user(roles.EPB_STAFF, "platform")
    response = client_as(roles.ADMINISTRATOR).post(
        reverse("api:token_issue"), {"user": platform.pk, "name": ""}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_administrator_revokes(client_as, make_user):
    token, _key = ApiToken.issue(make_user(roles.EPB_STAFF, "platform"), "platform")
    client = client_as(roles.ADMINISTRATOR)
    response = client.post(reverse("api:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked is not None and token.revoked_by is not None


@pytest.mark.parametrize("role", [roles.EPB_STAFF, roles.AUDITOR, roles.LEADERSHIP])
def test_other_roles_may_not_manage_tokens(client_as, make_user, role):
    token, _key = ApiToken.issue(make_user(roles.EPB_STAFF, "platform"), "platform")
    client = client_as(role)
    assert client.get(reverse("api:tokens")).status_code == 403
    assert client.get(reverse("api:token_issue")).status_code == 403
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 403
    token.refresh_from_db()
    assert token.is_active


def test_token_pages_query_count(client_as, make_user, django_assert_num_queries):
    client = client_as(roles.ADMINISTRATOR)
    for number in range(5):
        ApiToken.issue(make_user(roles.EPB_STAFF, f"user-{number}"), f"platform {number}")
    client.get(reverse("api:tokens"))  # warm the session and permission caches of the test
    # session, user, the user's and the groups' permissions, the tokens' count, the user's
    # groups (role), the demo flag, the tokens with their users (one join)
    with django_assert_num_queries(8):
        response = client.get(reverse("api:tokens"))
    assert response.content.decode().count("platform ") == 5


def test_browsable_api_for_the_session(client_as, city):
    """DRF's own pages for a logged-in browser: scripts from static files only (its one
    inline <script> is a JSON data block, which a CSP does not execute)."""
    response = client_as(roles.LEADERSHIP).get("/api/v1/enterprises/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    html = response.content.decode()
    assert "S-1" in html
    for attrs, _body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
        assert 'src="' in attrs or 'type="application/json"' in attrs, attrs
