"""The search across the application: what each role finds, the messages, the query count."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from audits.models import Audit, Option
from benxi_cp import roles, search
from enterprises.models import DischargeReport, DischargeValue, Enterprise, Pollutant

START = datetime.date(1999, 3, 1)


@pytest.fixture
def city(db):
    """Two steel works, each with an audit, an option and reports of 2000."""
    cod = Pollutant.objects.get(code="COD")
    made = {}
    for n, (zh, en) in enumerate(
        [("溪城钢铁厂", "Xicheng Steel"), ("南岭钢铁厂", "Nanling Steel")]
    ):
        enterprise = Enterprise.objects.create(
            code=f"E-{n + 1}", name=zh, name_en=en, sector="iron_steel"
        )
        audit = Audit.objects.create(
            enterprise=enterprise, ref=f"BX-1999-0{n + 1}", started_on=START, focus="烧结车间"
        )
        option = Option.objects.create(
            audit=audit, code="F01", title=f"余热回收{n + 1}", aspect="waste", fee_class="low_no"
        )
        reports = [
            DischargeReport.objects.create(
                enterprise=enterprise, year=2000, period_kind="Q", period_number=q
            )
            for q in (1, 2, 3)
        ]
        for report in reports:
            DischargeValue.objects.create(report=report, pollutant=cod, amount=Decimal(10))
        made[n + 1] = {"enterprise": enterprise, "audit": audit, "option": option}
    return made


def results(client, q: str, lang: str = "en") -> str:
    client.cookies["django_language"] = lang
    with translation.override(lang):
        response = client.get(reverse("search"), {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def group_count(content: str, key: str) -> int | None:
    """The count of a kind on the results page, None when the kind was not searched."""
    found = re.search(rf'data-kind="{key}" data-count="(\d+)"', content)
    return int(found.group(1)) if found else None


# -- the query ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "raw, words, year, period",
    [
        ("溪城 2000 q3", "溪城", 2000, "Q3"),
        ("E-1  2000-M07", "E-1", 2000, "M07"),
        ("BX-1999-01", "BX-1999-01", None, ""),
        ("2000", "", 2000, ""),
        ("Q5 steel", "Q5 steel", None, ""),
    ],
)
def test_the_query_picks_out_a_year_and_a_period(raw, words, year, period):
    query = search.parse(raw)
    assert (query.words, query.year, query.period) == (words, year, period)


@pytest.mark.parametrize(
    "raw, too_short", [("", True), ("   ", True), ("a", True), ("ab", False), ("钢", False)]
)
def test_too_short_is_two_characters_or_one_chinese_character(raw, too_short):
    assert search.parse(raw).too_short is too_short


# -- what is found ----------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("q", ["E-2", "南岭", "nanling", "BX-1999-02", "余热回收2"])
def test_epb_finds_each_kind_by_code_or_name(client_as, city, q):
    content = results(client_as(roles.EPB_STAFF), q)
    if q != "余热回收2":
        assert city[2]["audit"].get_absolute_url() in content
        assert city[1]["audit"].get_absolute_url() not in content
    assert city[2]["option"].get_absolute_url() in content
    assert city[1]["option"].get_absolute_url() not in content


@pytest.mark.django_db
def test_reports_are_found_by_enterprise_year_and_period(client_as, city):
    content = results(client_as(roles.EPB_STAFF), "Xicheng 2000 Q2")
    q2 = DischargeReport.objects.get(enterprise=city[1]["enterprise"], period_number=2)
    assert group_count(content, "reports") == 1
    assert q2.get_absolute_url() in content
    # The "see all" link opens the reports list with the same filter.
    assert 'href="/enterprises/reports/?q=Xicheng&amp;year=2000&amp;period_kind=Q"' in content
    assert group_count(results(client_as(roles.EPB_STAFF), "2000"), "reports") == 6


@pytest.mark.django_db
def test_an_auditor_finds_only_the_audits_of_their_team(make_user, client, city):
    auditor = make_user(roles.AUDITOR)
    city[1]["audit"].team.add(auditor)
    client.force_login(auditor)
    content = results(client, "Steel")
    assert group_count(content, "audits") == 1
    assert group_count(content, "options") == 1
    assert city[1]["audit"].get_absolute_url() in content
    assert city[2]["audit"].get_absolute_url() not in content
    assert city[2]["option"].get_absolute_url() not in content
    # Searching the other audit by its reference finds nothing of it.
    assert city[2]["audit"].get_absolute_url() not in results(client, "BX-1999-02")


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*roles.ROLES, None])
def test_a_kind_is_searched_only_with_its_view_permission(make_user, client, city, role):
    user = make_user(role)
    client.force_login(user)
    content = results(client, "Steel")
    for key, permission in [
        ("enterprises", "enterprises.view_enterprise"),
        ("audits", "audits.view_audit"),
        ("options", "audits.view_option"),
        ("reports", "enterprises.view_dischargereport"),
    ]:
        assert (group_count(content, key) is not None) == user.has_perm(permission), key
    if role is None:
        assert 'id="search-none"' in content


@pytest.mark.django_db
def test_each_group_shows_five_and_links_to_the_filtered_list(client_as, city):
    for n in range(3, 9):
        Enterprise.objects.create(code=f"E-{n}", name=f"钢厂{n}", name_en="", sector="iron_steel")
    content = results(client_as(roles.LEADERSHIP), "E-")
    assert group_count(content, "enterprises") == 8
    assert content.count('class="list-group-item search-hit"') >= 5
    hits = re.search(r'id="search-enterprises".*?</section>', content, re.S).group(0)
    assert hits.count("search-hit") == search.PER_GROUP
    assert 'href="/enterprises/?q=E-">See all 8</a>' in hits


@pytest.mark.django_db
def test_an_exact_code_comes_first(client_as, city):
    for n in range(10, 16):
        Enterprise.objects.create(code=f"E-1{n}", name="钢厂", sector="iron_steel")
    content = results(client_as(roles.EPB_STAFF), "e-1")
    hits = re.search(r'id="search-enterprises".*?</section>', content, re.S).group(0)
    first = re.search(r'search-hit"><a href="([^"]+)"', hits).group(1)
    assert first == city[1]["enterprise"].get_absolute_url()


# -- messages ---------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_empty_short_and_fruitless_queries_say_so(client_as, city, lang):
    client = client_as(roles.EPB_STAFF)
    assert 'id="search-too-short"' in results(client, "", lang)
    assert 'id="search-too-short"' in results(client, "x", lang)
    fruitless = results(client, "no-such-thing", lang)
    assert 'id="search-none"' in fruitless
    assert "no-such-thing" in fruitless
    found = results(client, "钢", lang)
    assert 'id="search-summary"' in found
    if lang == "zh-hans":
        assert "“钢”" in found and "matches for" not in found


@pytest.mark.django_db
def test_the_navigation_box_is_for_logged_in_users_only(client, make_user):
    login_page = client.get(reverse("login")).content.decode()
    assert 'id="nav-search"' not in login_page
    assert client.get(reverse("search"), {"q": "steel"}).status_code == 302
    client.force_login(make_user(roles.LEADERSHIP))
    home = client.get(reverse("home")).content.decode()
    assert 'id="nav-search"' in home
    assert '<label for="nav-search-q" class="visually-hidden">' in home


@pytest.mark.django_db
def test_the_box_keeps_the_query_on_the_results_page(client_as, city):
    content = results(client_as(roles.EPB_STAFF), "南岭")
    assert 'name="q" maxlength="100" autocomplete="off"' in content
    assert 'value="南岭"' in content


# -- queries ----------------------------------------------------------------------------------
BASE = 6  # session, user, the user's groups (role), user permissions, group permissions, demo flag


@pytest.mark.django_db
@pytest.mark.parametrize("many", [False, True])
def test_the_results_page_runs_a_fixed_number_of_queries(
    client_as, city, django_assert_num_queries, many
):
    if many:
        for n in range(3, 12):
            enterprise = Enterprise.objects.create(
                code=f"E-{n}", name=f"钢厂{n}", name_en="Steel", sector="iron_steel"
            )
            audit = Audit.objects.create(enterprise=enterprise, ref=f"BX-{n}", started_on=START)
            Option.objects.create(
                audit=audit, code="F01", title="方案", aspect="waste", fee_class="low_no"
            )
    client = client_as(roles.EPB_STAFF)
    # BASE, then per kind (enterprises, audits, options, reports) the first hits with what
    # they show, and their count only when there are more than fit: one Nanling Steel has a
    # record of each kind and three reports; "Steel" finds more than five of each.
    query, expected = ("Steel", BASE + 4 + 4) if many else ("Nanling", BASE + 4)
    with django_assert_num_queries(expected):
        response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200


def test_every_app_registers_its_kinds():
    assert [source.key for source in search.sources()] == [
        "enterprises",
        "audits",
        "options",
        "reports",
    ]
