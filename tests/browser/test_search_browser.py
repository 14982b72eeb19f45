"""The search box in the navigation, as a user types into it: compact beside the language
switch on a wide screen, full width in the opened menu on a phone; Enter shows the
results, and a hit opens its record. The glossary's anchors take the user to the term."""

import datetime

import pytest
from django.contrib.auth.models import Group, User

from audits.models import Audit
from benxi_cp import roles
from enterprises.models import Enterprise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def epb_user(db) -> User:
    user = User.objects.create_user("search-epb", password="test-password-123")
    user.groups.add(Group.objects.get(name=roles.EPB_STAFF))
    return user


@pytest.fixture
def audit(db) -> Audit:
    steel = Enterprise.objects.create(
        code="E-1", name="溪城钢铁厂", name_en="Xicheng Steel", sector="iron_steel"
    )
    return Audit.objects.create(
        enterprise=steel, ref="BX-1999-01", started_on=datetime.date(1999, 3, 1)
    )


def test_the_box_is_compact_on_a_wide_screen_and_finds_an_audit(page, login, epb_user, audit):
    login(epb_user)
    box = page.locator("#nav-search").bounding_box()
    switch = page.locator("#language-form").bounding_box()
    assert 160 <= box["width"] <= 12 * 16 + 1  # about 11.5rem
    assert box["x"] + box["width"] <= switch["x"]  # just before the language switch
    page.fill("#nav-search-q", "溪城")
    page.press("#nav-search-q", "Enter")
    page.wait_for_load_state()
    assert page.locator("#search-summary").is_visible()
    page.click(f'a[href="{audit.get_absolute_url()}"]')
    page.wait_for_load_state()
    assert page.url.endswith(audit.get_absolute_url())


def test_the_box_fills_the_opened_menu_on_a_phone(page, login, epb_user, audit):
    page.set_viewport_size({"width": 390, "height": 844})
    login(epb_user)
    assert not page.locator("#nav-search-q").is_visible()
    page.click(".navbar-toggler")
    page.locator("#nav-search-q").wait_for(state="visible")
    box = page.locator("#nav-search").bounding_box()
    assert box["width"] >= 390 - 2 * 16 - 2 and box["x"] + box["width"] <= 390
    page.fill("#nav-search-q", "BX-1999-01")
    page.press("#nav-search-q", "Enter")
    page.wait_for_load_state()
    assert page.locator("#search-audits").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_help_link_opens_the_glossary_at_its_term(page, login, epb_user, audit, live_server):
    login(epb_user)
    page.goto(f"{live_server.url}{audit.get_absolute_url()}")
    page.click('#step-tracker >> xpath=preceding::a[contains(@class,"help-link")][1]')
    page.wait_for_load_state()
    assert page.url.endswith("/help/#steps")
    assert page.locator("#steps").is_visible()
    assert page.locator("#step-8").count() == 1
