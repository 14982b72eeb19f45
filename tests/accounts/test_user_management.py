"""Administrators manage users, roles, passwords and lockouts in the app; nobody else may."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from django.utils import translation

from benxi_cp import roles
from tests.accounts.test_login_security import WRONG, english_client, log_in, logged_in
from tests.fixtures import PASSWORD

NEW_PASSWORD = "Blast furnace no. 7"


def _urls(user) -> dict[str, tuple[str, str]]:
    return {
        "list": ("get", reverse("accounts:user_list")),
        "create": ("get", reverse("accounts:user_create")),
        "edit": ("get", reverse("accounts:user_edit", args=[user.pk])),
        "password": ("get", reverse("accounts:user_password", args=[user.pk])),
        "active": ("post", reverse("accounts:user_set_active", args=[user.pk])),
        "unlock": ("post", reverse("accounts:user_unlock", args=[user.pk])),
        "lockouts": ("get", reverse("accounts:lockouts")),
        "lockout_unlock": ("post", reverse("accounts:lockout_unlock")),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", [roles.EPB_STAFF, roles.AUDITOR, roles.LEADERSHIP, None])
def test_only_administrators_manage_users(client, make_user, role):
    target = make_user(roles.EPB_STAFF, "target")
    client.force_login(make_user(role, "someone"))
    for name, (method, url) in _urls(target).items():
        response = getattr(client, method)(url, {"username": "target", "active": "0"})
        assert response.status_code == 403, name
    target.refresh_from_db()
    assert target.is_active
    assert reverse("accounts:user_list") not in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_log_in(client, epb_user):
    for name, (method, url) in _urls(epb_user).items():
        response = getattr(client, method)(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name


@pytest.mark.django_db
def test_administrators_see_every_page_and_the_menu_links(client, administrator, epb_user):
    client.force_login(administrator)
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("accounts:user_list")}"' in home
    assert f'href="{reverse("accounts:lockouts")}"' in home
    for name, (method, url) in _urls(epb_user).items():
        if method == "get":
            assert client.get(url).status_code == 200, name


@pytest.mark.django_db
def test_the_user_list_shows_roles_and_lockouts_in_a_fixed_number_of_queries(
    client, administrator, make_user, django_assert_num_queries
):
    client.force_login(administrator)
    url = reverse("accounts:user_list")
    client.get(url)  # warm: content types, the session
    make_user(roles.AUDITOR, "auditor-a")
    with django_assert_num_queries(9):
        # session, user; the navigation's permissions (the user's, their groups'); the count;
        # the user menu's role; the demo flag; the users with their failed log-ins (one
        # subquery); their groups (one prefetch)
        page = client.get(url).content.decode()
    for n in range(5):
        make_user(roles.LEADERSHIP, f"leader-{n}")
    with django_assert_num_queries(9):  # the same
        page = client.get(url).content.decode()
    assert "leader-4" in page and str(roles.ROLES[roles.LEADERSHIP]) in page


@pytest.mark.django_db
def test_the_list_filters_by_role_and_searches(client, administrator, make_user):
    make_user(roles.AUDITOR, "ms-auditor")
    make_user(roles.LEADERSHIP, "mr-leader")
    client.force_login(administrator)
    url = reverse("accounts:user_list")
    page = client.get(url, {"role": roles.AUDITOR}).content.decode()
    assert "ms-auditor" in page and "mr-leader" not in page
    page = client.get(url, {"q": "leader"}).content.decode()
    assert "mr-leader" in page and "ms-auditor" not in page
    export = client.get(url, {"_export": "csv", "role": roles.AUDITOR})
    content = b"".join(export.streaming_content)
    assert b"ms-auditor" in content and b"mr-leader" not in content


@pytest.mark.django_db
def test_an_administrator_creates_a_user_with_a_role_who_can_log_in(client, administrator):
    client.force_login(administrator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("accounts:user_create")
    data = {
        "username": "wang.li",
        "first_name": "Li",
        "last_name": "Wang",
        "email": "wang.li@example.cn",
        "role": roles.AUDITOR,
        "password1": "password",
        "password2": "password",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert not User.objects.filter(username="wang.li").exists()

    response = client.post(url, {**data, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    user = User.objects.get(username="wang.li")
    assert roles.role_of(user) == roles.AUDITOR and user.email == "wang.li@example.cn"
    assert not user.is_staff and not user.is_superuser
    assert log_in(english_client(), "wang.li", NEW_PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_weak_password_is_refused_with_a_translated_message(client, administrator, epb_user):
    client.force_login(administrator)  # the interface in Chinese, the default
    response = client.post(
        reverse("accounts:user_password", args=[epb_user.pk]),
        {"new_password1": "4815162342", "new_password2": "4815162342"},
    )
    assert response.status_code == 200
    with translation.override("zh-hans"):
        from django.contrib.auth.password_validation import NumericPasswordValidator

        message = str(NumericPasswordValidator().get_error_message())
    with translation.override("en"):
        assert message != str(NumericPasswordValidator().get_error_message())
    assert message in response.content.decode()
    epb_user.refresh_from_db()
    assert epb_user.check_password(PASSWORD)


@pytest.mark.django_db
def test_role_changes_take_effect(client, administrator, epb_user):
    epb = Client()
    epb.force_login(epb_user)
    assert epb.get(reverse("enterprises:create")).status_code == 200

    client.force_login(administrator)
    response = client.post(
        reverse("accounts:user_edit", args=[epb_user.pk]),
        {
            "first_name": "Zhao",
            "last_name": "",
            "email": "",
            "is_active": "on",
            "role": "leadership",
        },
    )
    assert response.status_code == 302
    epb_user.refresh_from_db()
    assert [g.name for g in epb_user.groups.all()] == [roles.LEADERSHIP]
    assert epb_user.first_name == "Zhao"
    assert epb.get(reverse("enterprises:create")).status_code == 403
    assert epb.get(reverse("enterprises:list")).status_code == 200


@pytest.mark.django_db
def test_a_role_change_keeps_other_groups(client, administrator, epb_user):
    extra = Group.objects.create(name="district-team")
    epb_user.groups.add(extra)
    client.force_login(administrator)
    client.post(
        reverse("accounts:user_edit", args=[epb_user.pk]),
        {"first_name": "", "last_name": "", "email": "", "is_active": "on", "role": "auditor"},
    )
    assert {g.name for g in epb_user.groups.all()} == {"district-team", roles.AUDITOR}


@pytest.mark.django_db
def test_an_administrator_cannot_remove_their_own_role_nor_deactivate_themselves(
    client, administrator
):
    client.force_login(administrator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("accounts:user_edit", args=[administrator.pk])
    response = client.post(
        url, {"first_name": "", "last_name": "", "email": "", "role": roles.EPB_STAFF}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "You cannot remove your own administrator role" in page
    assert "You cannot deactivate your own account" in page
    response = client.post(
        reverse("accounts:user_set_active", args=[administrator.pk]), {"active": "0"}, follow=True
    )
    assert "You cannot deactivate your own account." in response.content.decode()
    administrator.refresh_from_db()
    assert administrator.is_active and roles.role_of(administrator) == roles.ADMINISTRATOR
    # their own name they may change
    response = client.post(
        url,
        {
            "first_name": "Sun",
            "last_name": "",
            "email": "",
            "is_active": "on",
            "role": "administrator",
        },
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_deactivating_a_user_ends_their_session_and_log_ins(client, administrator, epb_user):
    epb = Client()
    epb.force_login(epb_user)
    client.force_login(administrator)
    client.post(reverse("accounts:user_set_active", args=[epb_user.pk]), {"active": "0"})
    epb_user.refresh_from_db()
    assert not epb_user.is_active
    assert not logged_in(epb)
    assert log_in(english_client(), epb_user.username, PASSWORD).status_code == 200
    client.post(reverse("accounts:user_set_active", args=[epb_user.pk]), {"active": "1"})
    assert log_in(english_client(), epb_user.username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_new_password_set_by_an_administrator_ends_the_users_sessions_and_unlocks(
    client, administrator, epb_user
):
    epb = Client()
    epb.force_login(epb_user)
    attacker = english_client("10.9.9.9")
    for _attempt in range(5):
        log_in(attacker, epb_user.username, WRONG)
    client.force_login(administrator)
    response = client.post(
        reverse("accounts:user_password", args=[epb_user.pk]),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert not logged_in(epb)
    assert log_in(english_client(), epb_user.username, NEW_PASSWORD).status_code == 302


@pytest.mark.django_db
def test_an_administrator_unlocks_a_locked_account_from_its_page(client, administrator, epb_user):
    locked = english_client("10.0.0.5")
    for _attempt in range(5):
        log_in(locked, epb_user.username, WRONG)
    assert log_in(locked, epb_user.username, PASSWORD).status_code == 429

    client.force_login(administrator)
    page = client.get(reverse("accounts:user_edit", args=[epb_user.pk])).content.decode()
    assert 'id="unlock"' in page
    list_page = client.get(reverse("accounts:user_list")).content.decode()
    assert "text-bg-danger" in list_page  # the locked badge in the list
    client.post(reverse("accounts:user_unlock", args=[epb_user.pk]))
    assert not AccessAttempt.objects.filter(username=epb_user.username).exists()
    assert log_in(locked, epb_user.username, PASSWORD).status_code == 302
    assert logged_in(locked)


@pytest.mark.django_db
def test_an_administrator_unlocks_accounts_and_addresses_on_the_lockouts_page(
    client, administrator, make_user
):
    users = [make_user(roles.AUDITOR, f"auditor-{n}") for n in range(5)]
    attacker = english_client("10.6.6.6")
    for user in users:
        log_in(attacker, user.username, WRONG)
    assert log_in(attacker, users[0].username, PASSWORD).status_code == 429

    client.force_login(administrator)
    page = client.get(reverse("accounts:lockouts")).content.decode()
    assert "10.6.6.6" in page and "auditor-4" in page and "unlock-address" in page
    client.post(reverse("accounts:lockout_unlock"), {"ip_address": "10.6.6.6"})
    assert not AccessAttempt.objects.exists()
    assert log_in(attacker, users[0].username, PASSWORD).status_code == 302

    for _attempt in range(5):
        log_in(english_client("10.7.7.7"), users[1].username, WRONG)
    assert log_in(english_client(), users[1].username, PASSWORD).status_code == 429
    client.post(reverse("accounts:lockout_unlock"), {"username": users[1].username})
    assert log_in(english_client(), users[1].username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_administrators_do_not_manage_superusers(client, administrator, django_user_model):
    root = django_user_model.objects.create_superuser("root", password=PASSWORD)
    client.force_login(administrator)
    assert "root" not in client.get(reverse("accounts:user_list")).content.decode()
    assert client.get(reverse("accounts:user_edit", args=[root.pk])).status_code == 404
    assert client.get(reverse("accounts:user_password", args=[root.pk])).status_code == 404
    response = client.post(reverse("accounts:user_set_active", args=[root.pk]), {"active": "0"})
    assert response.status_code == 404
    client.force_login(root)
    assert client.get(reverse("accounts:user_edit", args=[administrator.pk])).status_code == 200


@pytest.mark.django_db
def test_the_admin_site_does_not_let_administrators_make_superusers(
    client, make_user, django_user_model
):
    administrator = make_user(roles.ADMINISTRATOR, "office")
    administrator.is_staff = True
    administrator.save()
    root = django_user_model.objects.create_superuser("root", password=PASSWORD)
    client.force_login(administrator)
    assert client.get(reverse("admin:auth_user_change", args=[root.pk])).status_code == 302
    url = reverse("admin:auth_user_change", args=[administrator.pk])
    page = client.get(url).content.decode()
    assert 'name="username"' in page and 'name="is_superuser"' not in page
    assert 'name="groups"' not in page and 'name="user_permissions"' not in page
    response = client.post(
        url,
        {
            "username": "office",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302
    administrator.refresh_from_db()
    assert not administrator.is_superuser
    assert roles.role_of(administrator) == roles.ADMINISTRATOR  # groups untouched
    client.force_login(root)
    page = client.get(url).content.decode()
    assert 'name="is_superuser"' in page


@pytest.mark.django_db
def test_an_administrator_setting_their_own_password_stays_logged_in(client, administrator):
    client.force_login(administrator)
    response = client.post(
        reverse("accounts:user_password", args=[administrator.pk]),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert logged_in(client)


@pytest.mark.django_db
def test_the_lockouts_page_in_a_fixed_number_of_queries(
    client, administrator, django_assert_num_queries
):
    client.force_login(administrator)
    url = reverse("accounts:lockouts")
    client.get(url)

    def fail(count: int) -> None:
        for n in range(count):
            log_in(english_client(f"10.3.0.{n}"), f"nobody-{n}", WRONG)

    fail(1)
    with django_assert_num_queries(10):
        # session, user; the navigation's permissions (the user's, their groups'); the locked
        # accounts, the locked addresses; the count, the page of failures; the user menu's
        # role; the demo flag
        client.get(url)
    fail(6)
    with django_assert_num_queries(10):  # the same
        page = client.get(url).content.decode()
    assert "nobody-5" in page and "10.3.0.5" in page


@pytest.mark.django_db
def test_changes_to_a_user_are_kept_in_their_history(client, administrator):
    client.force_login(administrator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post(
        reverse("accounts:user_create"),
        {
            "username": "qian",
            "role": roles.AUDITOR,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    user = User.objects.get(username="qian")
    client.post(
        reverse("accounts:user_edit", args=[user.pk]),
        {"first_name": "", "last_name": "", "email": "", "is_active": "on", "role": "leadership"},
    )
    client.post(reverse("accounts:user_set_active", args=[user.pk]), {"active": "0"})
    client.post(
        reverse("accounts:user_password", args=[user.pk]),
        {"new_password1": "Ore yard at dawn", "new_password2": "Ore yard at dawn"},
    )
    url = reverse("accounts:user_edit", args=[user.pk])
    history = client.get(url).content.decode().split('id="user-history"')[1]
    assert history.count("<li") == 4
    for text in ("Added.", "Changed role.", "Changed Active.", "Changed password."):
        assert text in history
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    history = client.get(url).content.decode().split('id="user-history"')[1]
    assert "角色" in history  # the field's name translated when shown
