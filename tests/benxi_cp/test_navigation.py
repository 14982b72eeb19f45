"""The navigation bar: one current entry, the administrator's tools in the user's drop-down,
and a language switch that fits."""

import pytest
from django.urls import reverse

from benxi_cp import navigation, roles


@pytest.mark.django_db
def test_only_the_entry_matching_most_of_the_path_is_current(administrator):
    menus = navigation.menu_for(administrator, reverse("enterprises:report_entry"))
    entries = [m for m in menus if not m["items"]] + [i for m in menus for i in m["items"]]
    assert [e["url"] for e in entries if e["active"]] == [reverse("enterprises:report_entry")]
    active_menus = [m for m in menus if m["active"]]
    assert len(active_menus) == 1 and active_menus[0]["items"][0]["url"] == reverse(
        "enterprises:report_list"
    )


@pytest.mark.django_db
def test_api_entries_are_in_the_user_menu_not_the_bar(client, administrator, make_user):
    client.force_login(administrator)
    page = client.get(reverse("home")).content.decode()
    bar, user_menu = page.split('id="user-menu"', 1)
    assert reverse("api:tokens") not in bar.split('id="main-nav"', 1)[1]
    assert reverse("api:tokens") in user_menu.split("</nav>", 1)[0]
    client.force_login(make_user(roles.LEADERSHIP))
    assert reverse("api:tokens") not in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_the_language_switch_is_compact_and_names_each_language_in_full(client, leader_user):
    client.force_login(leader_user)
    page = client.get(reverse("home")).content.decode()
    assert 'title="English" aria-label="English">EN</button>' in page
    assert 'title="简体中文" aria-label="简体中文">中文</button>' in page
