"""Who may open which page of the target system, what the pages show, and what they cost."""

import csv
import io
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from targets.models import Actual, Department, Indicator, Target
from tests.fixtures import ALL_ROLES

ADMIN, EPB = "administrator", "epb_staff"


@pytest.fixture
def system(make_indicator, make_target, make_actuals):
    """An environmental and a social indicator, each with a target and actual values."""
    labour = Department.objects.create(code="labour", name="市劳动局", name_en="Labour Bureau")
    cod = make_indicator("cod", name="化学需氧量排放总量", name_en="Total COD")
    jobs = make_indicator(
        "jobs",
        dimension="social",
        direction="higher",
        unit="%",
        name="就业率",
        name_en="Employment rate",
        department=labour,
    )
    cod_target = make_target(cod, baseline=(1996, "1000"), goal=(2000, "800"))
    make_target(jobs, baseline=(1996, "94"), goal=(2000, "96"))
    cod_actuals = make_actuals(cod, {1996: "1000", 1998: "900"})
    jobs_actuals = make_actuals(jobs, {1996: "94", 1998: "94.2"})
    return {
        "cod": cod,
        "jobs": jobs,
        "cod_target": cod_target,
        "cod_actual": cod_actuals[1],
        "jobs_actual": jobs_actuals[1],
        "labour": labour,
    }


def pages(s) -> dict[str, tuple[str, set[str]]]:
    """Each GET page and the roles that may open it (None: every role)."""
    every = set(ALL_ROLES)
    return {
        "overview": (reverse("targets:overview"), every),
        "overview csv": (reverse("targets:overview") + "?_export=csv", every),
        "overview xlsx": (reverse("targets:overview") + "?_export=xlsx", every),
        "departments": (reverse("targets:departments"), every),
        "department": (reverse("targets:department", args=["epb"]), every),
        "department create": (reverse("targets:department_create"), {ADMIN}),
        "department edit": (reverse("targets:department_edit", args=["epb"]), {ADMIN}),
        "indicators": (reverse("targets:indicators"), every),
        "indicators csv": (reverse("targets:indicators") + "?_export=csv", every),
        "indicator": (reverse("targets:indicator", args=["cod"]), every),
        "chart": (reverse("targets:chart", args=["cod"]), every),
        "indicator create": (reverse("targets:indicator_create"), {ADMIN}),
        "indicator edit": (reverse("targets:indicator_edit", args=["cod"]), {ADMIN}),
        "target create": (reverse("targets:target_create", args=["cod"]), {ADMIN}),
        "target edit": (reverse("targets:target_edit", args=[s["cod_target"].pk]), {ADMIN}),
        "target delete": (reverse("targets:target_delete", args=[s["cod_target"].pk]), {ADMIN}),
        "actual create env": (reverse("targets:actual_create", args=["cod"]), {ADMIN, EPB}),
        "actual create social": (reverse("targets:actual_create", args=["jobs"]), {ADMIN}),
        "actual edit env": (
            reverse("targets:actual_edit", args=[s["cod_actual"].pk]),
            {ADMIN, EPB},
        ),
        "actual edit social": (reverse("targets:actual_edit", args=[s["jobs_actual"].pk]), {ADMIN}),
        "actual delete": (reverse("targets:actual_delete", args=[s["cod_actual"].pk]), {ADMIN}),
    }


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_log_in(client, system):
    for name, (url, _roles) in pages(system).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name
    response = client.post(reverse("targets:recompute"), {"year": "1998"})
    assert response.status_code == 302 and not Actual.objects.filter(source="computed").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_each_role_gets_exactly_what_it_may(client_as, system, role):
    client = client_as(role)
    for name, (url, roles) in pages(system).items():
        expected = 200 if role in roles else 403
        assert client.get(url).status_code == expected, (role, name)


@pytest.mark.django_db
def test_a_user_without_a_role_sees_nothing(client, make_user, system):
    client.force_login(make_user(None))
    for url in (reverse("targets:overview"), reverse("targets:chart", args=["cod"])):
        assert client.get(url).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["epb_staff", "auditor", "leadership"])
def test_read_only_roles_cannot_write_by_posting(client_as, system, role):
    client = client_as(role)
    jobs_actual, target = system["jobs_actual"], system["cod_target"]
    posts = [
        (reverse("targets:indicator_create"), {"code": "x", "name": "x"}),
        (reverse("targets:indicator_edit", args=["cod"]), {"code": "cod", "name": "改"}),
        (reverse("targets:department_create"), {"code": "x", "name": "x"}),
        (reverse("targets:department_edit", args=["epb"]), {"code": "epb", "name": "改"}),
        (reverse("targets:target_create", args=["cod"]), {"baseline_year": "1997"}),
        (
            reverse("targets:target_edit", args=[target.pk]),
            {"baseline_year": "1996", "baseline_value": "1", "goal_year": "2000"},
        ),
        (reverse("targets:target_delete", args=[target.pk]), {}),
        (reverse("targets:actual_create", args=["jobs"]), {"year": "1999", "value": "1"}),
        (reverse("targets:actual_edit", args=[jobs_actual.pk]), {"year": "1998", "value": "1"}),
        (reverse("targets:actual_delete", args=[jobs_actual.pk]), {}),
        (reverse("targets:recompute"), {"year": "1998"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert Indicator.objects.count() == 2 and Department.objects.count() == 2
    assert Target.objects.count() == 2 and Actual.objects.count() == 4
    jobs_actual.refresh_from_db()
    assert jobs_actual.value == Decimal("94.2")
    assert Indicator.objects.get(code="cod").name == "化学需氧量排放总量"


@pytest.mark.django_db
def test_unknown_codes_give_404(client_as, system):
    client = client_as(ADMIN)
    for name in ("indicator", "chart", "indicator_edit", "target_create", "actual_create"):
        assert client.get(reverse(f"targets:{name}", args=["nope"])).status_code == 404, name
    assert client.get(reverse("targets:department", args=["nope"])).status_code == 404
    assert client.get(reverse("targets:actual_edit", args=[9999])).status_code == 404


@pytest.mark.django_db
def test_recompute_only_by_post(client_as, system):
    assert client_as(ADMIN).get(reverse("targets:recompute")).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("role,shows", [(ADMIN, True), (EPB, False), ("leadership", False)])
def test_edit_buttons_show_only_to_writers(client_as, system, role, shows):
    client = client_as(role)
    overview = client.get(reverse("targets:overview")).content.decode()
    assert ('id="recompute-button"' in overview) is shows
    assert ('id="create-button"' in overview) is shows
    page = client.get(reverse("targets:indicator", args=["jobs"])).content.decode()
    assert ('id="add-target"' in page) is shows
    assert ('id="edit-button"' in page) is shows
    assert ('id="add-actual"' in page) is shows  # a social indicator: not for the EPB
    cod_page = client.get(reverse("targets:indicator", args=["cod"])).content.decode()
    assert ('id="add-actual"' in cod_page) is (role in {ADMIN, EPB})
    assert (reverse("targets:actual_edit", args=[system["cod_actual"].pk]) in cod_page) is (
        role in {ADMIN, EPB}
    )


@pytest.mark.django_db
def test_the_overview_shows_progress_and_lights_by_dimension(client_as, system):
    response = client_as("leadership").get(reverse("targets:overview"), {"year": "1998"})
    content = response.content.decode()
    rows = {r.indicator.code: r for g in response.context["groups"] for r in g["rows"]}
    # COD: 1000 → 800, 900 in 1998 is half way where half is expected
    assert rows["cod"].progress_pct == Decimal("50.0") and rows["cod"].light == "green"
    # employment: 94 → 96, 94.2 in 1998: 10 % where 50 % is expected
    assert rows["jobs"].light == "red"
    assert [g["dimension"] for g in response.context["groups"]] == ["environmental", "social"]
    assert "pct-50" in content and "at-50" in content  # bar width and expected mark by class
    assert "style=" not in content
    assert 'data-light="green"' in content and 'data-light="red"' in content


@pytest.mark.django_db
def test_the_overview_filters_by_department_dimension_and_year(client_as, system):
    client = client_as("auditor")
    url = reverse("targets:overview")
    codes = lambda r: [row.indicator.code for g in r.context["groups"] for row in g["rows"]]  # noqa: E731
    assert codes(client.get(url, {"department": "labour"})) == ["jobs"]
    assert codes(client.get(url, {"dimension": "environmental"})) == ["cod"]
    response = client.get(url, {"year": "1996"})
    assert response.context["year"] == 1996
    assert {r.light for g in response.context["groups"] for r in g["rows"]} == {"grey"}
    # a filter that is not valid shows the form's error, never a 500
    response = client.get(url, {"department": "nope", "year": "1890"})
    assert response.status_code == 200 and response.context["form"].errors
    assert client.get(url, {"department": "nope", "_export": "csv"}).status_code == 404


@pytest.mark.django_db
def test_the_overview_exports_the_filtered_rows(client_as, system):
    client = client_as("leadership")
    url = reverse("targets:overview")
    response = client.get(url, {"dimension": "social", "year": "1998", "_export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2 and rows[1][1] == "jobs"
    assert len(rows[0]) == 17
    assert (rows[1][11], rows[1][12], rows[1][13], rows[1][14]) == (
        "1998",
        "94.2000",
        "10.0",
        "50.0",
    )
    response = client.get(url, {"year": "1998", "_export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert [v[1] for v in values[1:]] == ["cod", "jobs"]
    assert values[1][12] == 900 and values[1][13] == 50


@pytest.mark.django_db
def test_the_department_page_lists_its_targets_and_indicators_without(
    client_as, system, make_indicator
):
    make_indicator("noise", name="区域环境噪声达标率", direction="higher", unit="%")
    content = client_as("leadership").get(reverse("targets:department", args=["epb"])).content
    content = content.decode()
    assert "化学需氧量排放总量" in content and "就业率" not in content
    assert "区域环境噪声达标率" in content  # listed among the indicators without a target
    labour = client_as("leadership").get(reverse("targets:department", args=["labour"]))
    assert "就业率" in labour.content.decode()


@pytest.mark.django_db
def test_the_department_list_counts_lights_per_department(client_as, system):
    response = client_as("leadership").get(reverse("targets:departments"), {"year": "1998"})
    by_code = {d.code: d for d in response.context["departments"]}
    assert dict(by_code["epb"].lights)["green"] == 1
    assert dict(by_code["labour"].lights)["red"] == 1
    assert by_code["labour"].target_count == 1


@pytest.mark.django_db
def test_the_chart_is_svg_with_the_series_and_chinese_glyphs(client_as, system, recwarn):
    response = client_as("leadership").get(reverse("targets:chart", args=["cod"]))
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    root = ElementTree.fromstring(svg)  # valid XML
    ids = {el.get("id") for el in root.iter()}
    assert {"series-actual", "series-target-2000"} <= ids
    # the actual series has two points: one move and one line segment in its path
    ns = "{http://www.w3.org/2000/svg}"
    actual = next(el for el in root.iter(f"{ns}g") if el.get("id") == "series-actual")
    path = next(actual.iter(f"{ns}path")).get("d")
    assert path.count("L") == 1
    # Chinese text is drawn as glyph paths of the CJK font, none of them the missing glyph
    assert "<!-- 化学需氧量排放总量 (t) -->" in svg
    glyphs = [i for i in ids if i and i.startswith("NotoSansCJK")]
    assert glyphs and not any(i.endswith("-0") for i in glyphs)
    assert not [w for w in recwarn if "missing from font" in str(w.message)]


@pytest.mark.django_db
def test_the_chart_follows_the_language_and_copes_with_no_data(client_as, make_indicator):
    make_indicator("empty", name="空指标", name_en="Empty indicator")
    client = client_as("leadership")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    svg = client.get(reverse("targets:chart", args=["empty"])).content.decode()
    ElementTree.fromstring(svg)
    assert "<!-- Empty indicator (t) -->" in svg and "<!-- No values yet -->" in svg


@pytest.mark.django_db
def test_the_indicator_page_shows_targets_actuals_and_the_chart(client_as, system):
    content = client_as("auditor").get(reverse("targets:indicator", args=["cod"])).content
    content = content.decode()
    assert reverse("targets:chart", args=["cod"]) in content
    assert 'data-year="1998"' in content and "900" in content
    assert "50.0%" in content


def indicator_data(**fields) -> dict:
    return {
        "code": "Water_Reuse",
        "dimension": "resource",
        "name": "工业用水重复利用率",
        "name_en": "Industrial water reuse rate",
        "unit": "%",
        "direction": "higher",
        "department": Department.objects.get(code="epb").pk,
        "computation": "",
        "position": "10",
    } | fields


@pytest.mark.django_db
def test_the_programme_office_creates_an_indicator_a_target_and_an_actual(client_as, department):
    client = client_as(ADMIN)
    response = client.post(reverse("targets:indicator_create"), indicator_data())
    indicator = Indicator.objects.get(code="water_reuse")
    assert response["Location"] == indicator.get_absolute_url()
    assert indicator.created_by.username == "administrator-user"
    url = reverse("targets:target_create", args=["water_reuse"])
    data = {"baseline_year": "1996", "baseline_value": "72", "goal_year": "2000"}
    response = client.post(url, data | {"goal_value": "82"})
    assert response.status_code == 302
    target = indicator.targets.get()
    assert (target.goal_year, target.goal_value) == (2000, Decimal("82"))
    response = client.post(
        reverse("targets:actual_create", args=["water_reuse"]),
        {"year": "1998", "value": "77", "note": "水利局统计"},
    )
    assert response.status_code == 302
    actual = indicator.actuals.get()
    assert (actual.value, actual.source, actual.created_by.username) == (
        Decimal("77"),
        "entered",
        "administrator-user",
    )
    content = client.get(indicator.get_absolute_url() + "?year=1998").content.decode()
    assert "50.0%" in content


@pytest.mark.django_db
def test_bad_input_gives_clear_errors_and_writes_nothing(client_as, system):
    client = client_as(ADMIN)
    cod = system["cod"]
    url = reverse("targets:target_create", args=["cod"])
    base = {"baseline_year": "1996", "baseline_value": "1000", "goal_value": "700"}
    response = client.post(url, base | {"goal_year": "2000"})  # the goal year is taken
    assert response.status_code == 200
    assert response.context["form"].errors["goal_year"] == [
        str(Target._meta.constraints[0].violation_error_message)
    ]
    response = client.post(url, base | {"goal_year": "1995"})
    assert response.status_code == 200 and response.context["form"].errors
    assert cod.targets.count() == 1
    url = reverse("targets:actual_create", args=["cod"])
    response = client.post(url, {"year": "1998", "value": "1"})  # the year has a value
    assert response.status_code == 200 and "year" in response.context["form"].errors
    response = client.post(url, {"year": "1850", "value": "1"})
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(url, {"year": "1999", "value": "abc"})
    assert response.status_code == 200 and "value" in response.context["form"].errors
    assert cod.actuals.count() == 2
    response = client.post(
        reverse("targets:indicator_create"), indicator_data(code="cod", computation="magic")
    )
    assert response.status_code == 200
    assert {"code", "computation"} <= set(response.context["form"].errors)


@pytest.mark.django_db
def test_editing_a_computed_value_makes_it_entered(client_as, system):
    actual = system["cod_actual"]
    actual.source = "computed"
    actual.save()
    client = client_as(EPB)
    url = reverse("targets:actual_edit", args=[actual.pk])
    assert client.get(url).context["notice"]  # says that saving makes the value entered
    response = client.post(url, {"year": "1998", "value": "910", "note": "核实"})
    assert response.status_code == 302
    actual.refresh_from_db()
    assert (actual.value, actual.source, actual.updated_by.username) == (
        Decimal("910"),
        "entered",
        "epb_staff-user",
    )


@pytest.mark.django_db
def test_the_administrator_deletes_a_target_and_an_actual(client_as, system):
    client = client_as(ADMIN)
    target, actual = system["cod_target"], system["cod_actual"]
    assert client.post(reverse("targets:target_delete", args=[target.pk])).status_code == 302
    assert client.post(reverse("targets:actual_delete", args=[actual.pk])).status_code == 302
    assert not Target.objects.filter(pk=target.pk).exists()
    assert not Actual.objects.filter(pk=actual.pk).exists()


@pytest.mark.django_db
def test_the_recompute_button(client_as, make_indicator):
    from tests.targets.test_computations import enterprise, report

    cod = make_indicator("cod", computation="discharge_total_cod")
    report(enterprise("A"), 1998, {"COD": "321"})
    client = client_as(ADMIN)
    response = client.post(
        reverse("targets:recompute"), {"year": "1998", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("targets:overview") + "?year=1998"
    assert cod.actuals.get().value == Decimal("321")
    response = client.post(
        reverse("targets:recompute"), {"year": "1998", "next": cod.get_absolute_url()}
    )
    assert response["Location"] == cod.get_absolute_url()
    response = client.post(reverse("targets:recompute"), {"year": "abc"}, follow=True)
    assert response.status_code == 200


def bulk_system(size: int) -> None:
    departments = [
        Department.objects.create(code=f"d{i}", name=f"部门{i}") for i in range(max(1, size // 4))
    ]
    for i in range(size):
        indicator = Indicator.objects.create(
            code=f"i{i:03d}",
            dimension=["economic", "resource", "environmental", "social"][i % 4],
            name=f"指标{i}",
            unit="%",
            direction="higher",
            department=departments[i % len(departments)],
        )
        Target.objects.create(
            indicator=indicator,
            baseline_year=1996,
            baseline_value=Decimal(50),
            goal_year=2000,
            goal_value=Decimal(70),
        )
        Actual.objects.bulk_create(
            Actual(indicator=indicator, year=y, value=Decimal(50 + i % 7 + (y - 1996) * 3))
            for y in range(1996, 2002)
        )


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 40])
def test_the_overview_runs_a_fixed_number_of_queries(client_as, django_assert_num_queries, size):
    bulk_system(size)
    client = client_as("leadership")
    # 1 session, 2 user, 3 the user's groups (role in the menu), 4 the user's own permissions,
    # 5 the groups' permissions, 6 demo flag, 7 first and last year of actual values,
    # 8 the targets with indicators and departments, 9 their actual values up to the year,
    # 10 the departments of the filter form.
    with django_assert_num_queries(10):
        response = client.get(reverse("targets:overview"))
    assert response.status_code == 200
    assert sum(len(g["rows"]) for g in response.context["groups"]) == size
    # the department filter adds one query: the department the code names
    with django_assert_num_queries(11):
        client.get(reverse("targets:overview"), {"department": "d0", "year": "1999"})
    # the export: session, user, user perms, group perms, years, targets, actuals
    with django_assert_num_queries(7):
        response = client.get(reverse("targets:overview"), {"_export": "csv"})
        b"".join(response.streaming_content)


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 40])
def test_the_department_pages_run_a_fixed_number_of_queries(
    client_as, django_assert_num_queries, size
):
    bulk_system(size)
    client = client_as("leadership")
    # session, user, groups, user perms, group perms, demo flag, years, targets, actuals,
    # departments with their indicator counts
    with django_assert_num_queries(10):
        client.get(reverse("targets:departments"))
    # session, user, user perms, group perms, the department, years, its targets, their
    # actuals, its indicators without a target, groups (menu), demo flag; the programme
    # office's panel: the user's department, its staff, seats, open tasks
    with django_assert_num_queries(15):
        client.get(reverse("targets:department", args=["d0"]))


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 20])
def test_the_indicator_page_and_chart_run_a_fixed_number_of_queries(
    client_as, django_assert_num_queries, make_indicator, make_target, size
):
    indicator = make_indicator("cod")
    for goal_year in range(2000, 2000 + size):
        make_target(indicator, goal=(goal_year, "800"))
    Actual.objects.bulk_create(
        Actual(indicator=indicator, year=1996 + i, value=Decimal(1000 - i)) for i in range(size)
    )
    client = client_as("leadership")
    # session, user, user perms, group perms, the indicator with its department and editor,
    # its actual values with their editors, its targets, years, groups (menu), demo flag
    with django_assert_num_queries(10):
        client.get(indicator.get_absolute_url())
    # session, user, user perms, group perms, the indicator, its actual values, its targets
    with django_assert_num_queries(7):
        client.get(reverse("targets:chart", args=["cod"]))


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 30])
def test_the_indicator_list_runs_a_fixed_number_of_queries(
    client_as, django_assert_num_queries, size
):
    bulk_system(size)
    client = client_as("leadership")
    # session, user, groups, user perms, group perms, demo flag, departments of the filter,
    # count of the filtered rows, the page of rows with departments and target counts
    with django_assert_num_queries(9):
        client.get(reverse("targets:indicators"))


@pytest.mark.django_db
def test_the_indicator_list_filters_and_exports(client_as, system, make_indicator):
    make_indicator("so2", computation="discharge_total_so2", unit="吨", unit_en="t")
    client = client_as("auditor")
    url = reverse("targets:indicators")
    listed = lambda r: [row.record.code for row in r.context["table"].page.object_list]  # noqa: E731
    assert listed(client.get(url, {"computed": "true"})) == ["so2"]
    assert set(listed(client.get(url, {"computed": "false"}))) == {"cod", "jobs"}
    assert listed(client.get(url, {"q": "employment"})) == ["jobs"]
    assert listed(client.get(url, {"department": "labour"})) == ["jobs"]
    # the four dimensions in their own order, not alphabetically
    assert listed(client.get(url, {"sort": "dimension"}))[-1] == "jobs"
    response = client.get(url, {"computed": "true", "_export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[1][:4] == ["so2", "环境", "指标so2", "Indicator so2"]
    assert "吨" in rows[1] and "discharge_total_so2" in rows[1]


@pytest.mark.django_db
def test_units_and_names_follow_the_language(client_as, make_indicator, make_target):
    indicator = make_indicator(
        "gdp", name="国内生产总值", name_en="GDP", unit="亿元", unit_en="100m yuan"
    )
    make_target(indicator)
    client = client_as("leadership")
    content = client.get(reverse("targets:overview")).content.decode()
    assert "国内生产总值" in content and "亿元" in content
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    content = client.get(reverse("targets:overview")).content.decode()
    assert "GDP" in content and "100m yuan" in content and "亿元" not in content
