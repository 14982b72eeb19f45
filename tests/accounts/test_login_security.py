"""Log-in throttling (django-axes, on in the tests), idle sessions and password rules."""

import datetime
import time
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from benxi_cp.accounts import security
from tests.fixtures import PASSWORD

WRONG = "not-the-password-9"


def english_client(address: str = "10.0.0.1") -> Client:
    client = Client(REMOTE_ADDR=address)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def log_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def logged_in(client) -> bool:
    return client.get(reverse("home")).status_code == 200


@pytest.fixture
def spies():
    """Spies on the password check: ModelBackend.authenticate and the hasher's verify."""
    with (
        mock.patch.object(
            ModelBackend, "authenticate", autospec=True, side_effect=ModelBackend.authenticate
        ) as backend,
        mock.patch.object(
            MD5PasswordHasher, "verify", autospec=True, side_effect=MD5PasswordHasher.verify
        ) as verify,
    ):
        yield backend, verify


@pytest.mark.django_db
def test_five_failures_lock_the_account_with_the_translated_message_on_the_login_page(
    epb_user,
):
    client = english_client()
    for attempt in range(1, 5):
        response = log_in(client, epb_user.username, WRONG)
        assert response.status_code == 200, attempt
        assert "lockout-message" not in response.content.decode()
    response = log_in(client, epb_user.username, WRONG)
    page = response.content.decode()
    assert response.status_code == 429
    assert "Too many failed log-ins for this account or from this address" in page
    assert "locked for 30 minutes" in page
    # the site's layout, with the log-in form, not a bare error page
    assert 'id="login-form"' in page and "navbar" in page

    chinese = Client(REMOTE_ADDR="10.0.0.1")
    page = log_in(chinese, epb_user.username, WRONG).content.decode()
    with translation.override("zh-hans"):
        message = security.lockout_message()
    with translation.override("en"):
        assert message != security.lockout_message()
    assert message in page


@pytest.mark.django_db
def test_the_sixth_attempt_is_refused_without_checking_the_password(epb_user, spies):
    backend, verify = spies
    client = english_client()
    for _attempt in range(5):
        log_in(client, epb_user.username, WRONG)
    assert backend.call_count == 5 and verify.call_count == 5  # the spies see the checks
    backend.reset_mock()
    verify.reset_mock()

    wrong = log_in(client, epb_user.username, WRONG)
    right = log_in(client, epb_user.username, PASSWORD)
    assert wrong.status_code == right.status_code == 429
    assert backend.call_count == 0 and verify.call_count == 0
    assert not logged_in(client)


@pytest.mark.django_db
def test_the_account_is_locked_from_every_address_and_the_address_for_every_account(make_user):
    target = make_user("epb_staff", "target")
    bystander = make_user("leadership", "bystander")
    attacker = english_client("10.0.0.66")
    for _attempt in range(5):
        log_in(attacker, target.username, WRONG)
    # the account, from another address
    assert log_in(english_client("10.0.0.2"), target.username, PASSWORD).status_code == 429
    # the address, for another account
    assert log_in(attacker, bystander.username, PASSWORD).status_code == 429
    # another account from another address is not concerned
    other = english_client("10.0.0.3")
    assert log_in(other, bystander.username, PASSWORD).status_code == 302
    assert logged_in(other)


@pytest.mark.django_db
def test_failures_on_several_accounts_lock_the_address(make_user):
    users = [make_user("auditor", f"auditor-{n}") for n in range(5)]
    client = english_client("10.0.0.7")
    for user in users:
        response = log_in(client, user.username, WRONG)
    assert response.status_code == 429
    assert log_in(client, users[0].username, PASSWORD).status_code == 429
    fresh = english_client("10.0.0.8")
    assert log_in(fresh, users[0].username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_after_the_cool_off_period_the_failures_no_longer_count(epb_user):
    client = english_client()
    for _attempt in range(5):
        log_in(client, epb_user.username, WRONG)
    assert log_in(client, epb_user.username, PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=5)
    )
    assert log_in(client, epb_user.username, PASSWORD).status_code == 302
    assert logged_in(client)


@pytest.mark.django_db
def test_the_admin_log_in_is_throttled_too(epb_user):
    client = english_client()
    url = reverse("admin:login")
    for _attempt in range(5):
        response = client.post(url, {"username": epb_user.username, "password": WRONG})
    assert response.status_code == 429
    assert "lockout-message" in response.content.decode()


def test_the_client_address_behind_proxies(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.BENXI_PROXY_COUNT = 0
    assert security.client_ip(request) == "10.1.1.1"
    settings.BENXI_PROXY_COUNT = 1
    assert security.client_ip(request) == "203.0.113.9"  # not what the client wrote itself
    settings.BENXI_PROXY_COUNT = 2
    assert security.client_ip(request) == "6.6.6.6"
    settings.BENXI_PROXY_COUNT = 1
    bare = rf.get("/", REMOTE_ADDR="10.1.1.1")
    assert security.client_ip(bare) == "10.1.1.1"


# -- idle sessions ----------------------------------------------------------------------------
def _age_session(client, seconds: int) -> None:
    session = client.session
    session[security.LAST_SEEN] = int(time.time()) - seconds
    session.save()


@pytest.mark.django_db
def test_an_idle_session_ends_with_a_message(client, epb_user, settings):
    settings.BENXI_SESSION_IDLE_MINUTES = 15
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post(reverse("login"), {"username": epb_user.username, "password": PASSWORD})
    assert logged_in(client)
    _age_session(client, 15 * 60 + 1)
    response = client.get(reverse("enterprises:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    page = client.get(response["Location"]).content.decode()
    assert "You were logged out after 15 minutes without activity." in page
    assert not logged_in(client)


@pytest.mark.django_db
def test_activity_keeps_the_session_and_is_recorded_at_most_every_few_minutes(
    client, epb_user, settings
):
    settings.BENXI_SESSION_IDLE_MINUTES = 120
    client.force_login(epb_user)
    started = client.session[security.LAST_SEEN]  # set at log-in
    assert abs(started - time.time()) < 5
    assert logged_in(client)
    assert client.session[security.LAST_SEEN] == started  # not rewritten on every request

    _age_session(client, 119 * 60)
    assert logged_in(client)  # 119 idle minutes are fewer than 120
    assert abs(client.session[security.LAST_SEEN] - time.time()) < 5  # and the clock restarts
    _age_session(client, 120 * 60)
    assert not logged_in(client)


def test_the_session_cookie_outlives_the_idle_period():
    assert settings.SESSION_COOKIE_AGE > settings.BENXI_SESSION_IDLE_MINUTES * 60
    assert security.refresh_seconds() <= 300


# -- passwords --------------------------------------------------------------------------------
def test_all_four_password_validators_are_on():
    names = {v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert names == {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    }


@pytest.mark.django_db
def test_every_user_changes_their_password_from_the_user_menu(client, leader_user):
    client.force_login(leader_user)
    url = reverse("accounts:password_change")
    assert f'href="{url}"' in client.get(reverse("home")).content.decode()

    response = client.post(
        url, {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    with translation.override("zh-hans"):
        # Django's own translated messages: too short (no), too common, entirely numeric
        from django.contrib.auth.password_validation import NumericPasswordValidator

        assert str(NumericPasswordValidator().get_error_message()) in page

    response = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "Slag heaps of 1998",
            "new_password2": "Slag heaps of 1998",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert logged_in(client)  # the session stays valid after the change
    other = english_client()
    assert log_in(other, leader_user.username, PASSWORD).status_code == 200
    assert log_in(other, leader_user.username, "Slag heaps of 1998").status_code == 302


@pytest.mark.django_db
def test_a_password_like_the_user_name_is_refused(client, leader_user):
    client.force_login(leader_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "leadership-user",
            "new_password2": "leadership-user",
        },
    )
    assert "The password is too similar to the username." in response.content.decode()
