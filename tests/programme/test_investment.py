"""Environmental investment beyond CP options: the register's rules in the database, who
sees what, the trend that counts it beside the CP options, its cache, import and panel."""

import csv
import io
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from benxi_cp import datacache, navigation
from benxi_cp.importers import get_importer
from programme.investment import queries as investment
from programme.models import EnvironmentalInvestment
from reports import figures, trends
from reports.figures import Params
from tests.fixtures import ALL_ROLES
from tests.reports.factories import make_audit, make_enterprise, make_option

KIND = "environmental-investment"
BASE = 6  # session, user, the user's groups (role), user permissions, group permissions, demo flag


def make_investment(enterprise, year=2000, project="脱硫", **fields):
    fields.setdefault("category", "treatment")
    fields.setdefault("amount_10k_yuan", Decimal("100"))
    fields.setdefault("source", "own")
    fields.setdefault("status", "completed")
    return EnvironmentalInvestment.objects.create(
        enterprise=enterprise, year=year, project=project, **fields
    )


@pytest.fixture
def enterprise(db):
    return make_enterprise("E1")


@pytest.fixture
def other_enterprise(db):
    return make_enterprise("E2", sector="power")


def series_years(svg: str) -> dict[str, set[str]]:
    """{series key: the years it has a bar for} from the ids `series-<key>-<year>`."""
    found: dict[str, set[str]] = {}
    for element in ET.fromstring(svg).iter():
        ident = element.get("id", "")
        if ident.startswith("series-"):
            key, point = ident[len("series-") :].rsplit("-", 1)
            found.setdefault(key, set()).add(point)
    return found


# -- the database's rules -------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"amount_10k_yuan": Decimal("-1")},
        {"year": 1900},
        {"project": ""},
        {"category": "fireworks"},
        {"source": "lottery"},
        {"status": "dreamt"},
    ],
)
def test_the_database_refuses_a_bad_row(enterprise, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_investment(enterprise, **fields)


@pytest.mark.django_db
def test_one_row_per_project_of_an_enterprise_and_year(enterprise, other_enterprise):
    make_investment(enterprise, 2000, "脱硫")
    make_investment(enterprise, 2001, "脱硫")  # another year
    make_investment(other_enterprise, 2000, "脱硫")  # another enterprise
    with pytest.raises(IntegrityError), transaction.atomic():
        make_investment(enterprise, 2000, "脱硫")


@pytest.mark.django_db
def test_the_constraints_carry_their_messages(enterprise):
    make_investment(enterprise, 2000, "脱硫")
    duplicate = EnvironmentalInvestment(
        enterprise=enterprise,
        year=2000,
        project="脱硫",
        category="treatment",
        amount_10k_yuan=Decimal("-5"),
        source="own",
    )
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            duplicate.full_clean()
        text = " ".join(refused.value.messages)
    assert "already has a project of this name" in text
    assert "greater than or equal to 0" in text or "cannot be negative" in text


# -- who sees what ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_an_auditor_sees_only_the_enterprises_of_their_audits(
    enterprise, other_enterprise, auditor_user, leader_user, epb_user
):
    mine = make_investment(enterprise)
    theirs = make_investment(other_enterprise)
    audit = make_audit(enterprise, "1999-03-01")
    audit.team.add(auditor_user)
    visible = EnvironmentalInvestment.objects.for_user
    assert list(visible(auditor_user)) == [mine]
    assert set(visible(leader_user)) == set(visible(epb_user)) == {mine, theirs}


@pytest.mark.django_db
def test_pages_by_role(client_as, enterprise, other_enterprise):
    record = make_investment(other_enterprise)
    urls = {
        "list": reverse("programme:investment_list"),
        "new": reverse("programme:investment_create"),
        "detail": record.get_absolute_url(),
        "edit": reverse("programme:investment_edit", args=[record.pk]),
    }
    expected = {
        "administrator": {"list": 200, "new": 200, "detail": 200, "edit": 200},
        "epb_staff": {"list": 200, "new": 200, "detail": 200, "edit": 200},
        "leadership": {"list": 200, "new": 403, "detail": 200, "edit": 403},
        # Not on an audit of E2: its project is not theirs to see.
        "auditor": {"list": 200, "new": 403, "detail": 404, "edit": 403},
    }
    for role in ALL_ROLES:
        user_client = client_as(role)
        got = {name: user_client.get(url).status_code for name, url in urls.items()}
        assert got == expected[role], role


@pytest.mark.django_db
def test_the_menu_entry_is_under_the_programme_office(leader_user, auditor_user):
    with translation.override("en"):
        for user in (leader_user, auditor_user):
            menus = {str(menu["label"]): menu for menu in navigation.menu_for(user, "/")}
            items = [str(item["label"]) for item in menus["Programme office"]["items"]]
            assert "Environmental investment" in items


# -- entering and correcting ------------------------------------------------------------------
@pytest.mark.django_db
def test_entering_and_editing_keeps_the_history(client_as, enterprise):
    client = client_as("epb_staff")
    data = {
        "enterprise": enterprise.pk,
        "year": "2000",
        "project": "  焦化废水   处理站 ",
        "category": "treatment",
        "amount_10k_yuan": "250.50",
        "source": "bank_loan",
        "status": "completed",
        "note": "",
        "version": "0",
    }
    response = client.post(reverse("programme:investment_create"), data)
    record = EnvironmentalInvestment.objects.get()
    assert response.status_code == 302 and response.url == record.get_absolute_url()
    assert record.project == "焦化废水 处理站" and record.created_by is not None
    edit = reverse("programme:investment_edit", args=[record.pk])
    response = client.post(edit, {**data, "amount_10k_yuan": "300", "version": "1"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.amount_10k_yuan == Decimal("300") and record.version == 2
    assert [h.amount_10k_yuan for h in record.history.all()] == [Decimal("300"), Decimal("250.5")]
    # A stale form (it read version 1) does not overwrite version 2.
    response = client.post(edit, {**data, "amount_10k_yuan": "1", "version": "1"})
    assert response.status_code == 200
    record.refresh_from_db()
    assert record.amount_10k_yuan == Decimal("300")
    page = client.get(record.get_absolute_url()).content.decode()
    assert "investment-history" in page


@pytest.mark.django_db
def test_a_duplicate_or_negative_entry_is_a_form_error(client_as, enterprise):
    make_investment(enterprise, 2000, "脱硫")
    client = client_as("administrator")
    data = {
        "enterprise": enterprise.pk,
        "year": "2000",
        "project": "脱硫",
        "category": "treatment",
        "amount_10k_yuan": "-3",
        "source": "own",
        "status": "completed",
        "version": "0",
    }
    response = client.post(reverse("programme:investment_create"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "amount_10k_yuan" in errors
    # The constraint's own message (in the language of the request).
    assert any("已有同名项目" in m or "already has a project" in m for m in errors["__all__"])
    assert EnvironmentalInvestment.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 30])
def test_the_list_runs_a_fixed_number_of_queries(
    client_as, enterprise, django_assert_num_queries, count
):
    for number in range(count):
        make_investment(enterprise, 1990 + number % 10, f"项目{number}")
    client = client_as("leadership")
    # BASE, count of rows, the page of projects with their enterprises. (The enterprise
    # filter is a box: no drop-down of enterprises to fill.)
    with django_assert_num_queries(BASE + 2):
        response = client.get(reverse("programme:investment_list"))
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_list_filters_searches_and_exports(client_as, enterprise, other_enterprise):
    make_investment(enterprise, 2000, "脱硫", amount_10k_yuan=Decimal("12.5"))
    make_investment(other_enterprise, 2000, "绿化", category="greening")
    client = client_as("epb_staff")
    url = reverse("programme:investment_list")
    assert client.get(url, {"q": "E2"}).context["table"].paginator.count == 1
    assert client.get(url, {"category": "greening"}).context["table"].paginator.count == 1
    assert client.get(url, {"q": "脱硫", "year": 2001}).context["table"].paginator.count == 0
    with translation.override("en"):
        response = client.get(url, {"q": "脱硫", "_export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 2 and "E1" in rows[1] and "脱硫" in rows[1]
    response = client.get(url, {"_export": "xlsx"})
    assert response.status_code == 200 and response.content[:2] == b"PK"


# -- the trend: both series ------------------------------------------------------------------
@pytest.fixture
def invested(enterprise, other_enterprise):
    """CP options implemented in 1999 and 2000; environmental investment in 1998 to 2001."""
    audit = make_audit(enterprise, "1999-01-10")
    make_option(audit, "L1", investment="10", benefit="4", implemented_on="1999-06-01")
    make_option(audit, "L2", investment="5", benefit="1", implemented_on="2000-06-01")
    make_investment(enterprise, 1998, "除尘", amount_10k_yuan=Decimal("300"))
    make_investment(enterprise, 2000, "监测", category="monitoring", amount_10k_yuan=Decimal("20"))
    make_investment(
        other_enterprise, 2000, "脱硫", amount_10k_yuan=Decimal("700"), source="government"
    )
    make_investment(other_enterprise, 2001, "绿化", category="greening", status="planned")
    make_investment(other_enterprise, 2002, "后来", amount_10k_yuan=Decimal("9"))


@pytest.mark.django_db
def test_environmental_investment_by_year_counts_completed_projects(invested, enterprise):
    years = {row.year: row for row in investment.by_year(up_to=2001)}
    assert sorted(years) == [1998, 2000, 2001]
    assert (years[2000].treatment, years[2000].other) == (Decimal("700"), Decimal("20"))
    assert years[2001].completed == 0 and years[2001].planned == Decimal("100")
    assert trends.environmental_investment_by_year(2001) == {
        1998: Decimal("300"),
        2000: Decimal("720"),
    }
    mine = {row.year: row.completed for row in investment.by_year(enterprise_id=enterprise.pk)}
    assert mine == {1998: Decimal("300"), 2000: Decimal("20")}


@pytest.mark.django_db
def test_the_trend_shows_both_series(invested):
    assert trends.investment_by_year(2001) == [
        (1999, Decimal("10"), Decimal("4"), 1),
        (2000, Decimal("5"), Decimal("1"), 1),
    ]
    with translation.override("zh-hans"):
        svg = figures.chart_svg("investment", Params(year=2001))
    drawn = series_years(svg)
    # Every year of either series has its bars: 1998 (environmental only) to 2000.
    assert set(drawn) == {"investment", "benefit", "environmental"}
    assert set(drawn["investment"]) == set(drawn["environmental"]) == {"1998", "1999", "2000"}


@pytest.mark.django_db
def test_the_chart_draws_environmental_investment_alone(enterprise):
    make_investment(enterprise, 1997, "除尘")
    drawn = series_years(figures.chart_svg("investment", Params(year=2000)))
    assert set(drawn["environmental"]) == {"1997"}


# -- the cache follows the register ------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_a_write_to_the_register_replaces_the_programme_scope_and_redraws(
    enterprise, other_enterprise
):
    assert "programme" in figures.CHARTS["investment"].depends
    tables = datacache.watched_tables()
    assert [w.scope for w in tables[EnvironmentalInvestment._meta.db_table]] == ["programme"]
    assert tables[EnvironmentalInvestment.history.model._meta.db_table] == ()

    before = {scope: datacache.current(scope) for scope in datacache.SCOPES}
    record = make_investment(enterprise, 1998, "除尘")
    after = {scope: datacache.current(scope) for scope in datacache.SCOPES}
    assert {s for s in datacache.SCOPES if before[s] != after[s]} == {"programme"}

    first = figures.chart_svg("investment", Params(year=2000))
    assert set(series_years(first)["environmental"]) == {"1998"}
    assert figures.chart_svg("investment", Params(year=2000)) == first  # from the cache
    EnvironmentalInvestment.objects.filter(pk=record.pk).update(year=1999)  # a queryset update
    moved = figures.chart_svg("investment", Params(year=2000))
    assert set(series_years(moved)["environmental"]) == {"1999"}
    record.delete()
    assert figures.chart_svg("investment", Params(year=2000)) != moved


# -- import ------------------------------------------------------------------------------------
def _csv(rows: list[str]) -> bytes:
    return ("\n".join(rows) + "\n").encode("utf-8")


HEADER = "enterprise_code,year,project,category,amount_10k_yuan,source,status,note"


@pytest.mark.django_db
def test_the_sample_file_imports(formats_dir, epb_user):
    make_enterprise("DEMO-0001")
    importer = get_importer(KIND)(user=epb_user)
    sample = (formats_dir / f"{KIND}.sample.csv").read_bytes()
    dry = importer.run(sample, "sample.csv", dry_run=True)
    assert dry.ok and dry.created == 3 and not EnvironmentalInvestment.objects.exists()
    done = importer.run(sample, "sample.csv")
    assert done.ok and done.created == 3
    assert EnvironmentalInvestment.objects.filter(status="planned").count() == 1
    again = get_importer(KIND)(user=epb_user).run(sample, "sample.csv")
    assert (again.created, again.updated) == (0, 3)


@pytest.mark.django_db
def test_an_import_updates_by_enterprise_year_and_project(enterprise, epb_user):
    stored = make_investment(enterprise, 2000, "脱硫", status="planned")
    result = get_importer(KIND)(user=epb_user).run(
        _csv(
            [
                "enterprise_code,year,project,amount_10k_yuan,category,source",
                "E1,2000,脱硫,55,treatment,own",
            ]
        ),
        "x.csv",
    )
    assert result.ok and result.updated == 1
    stored.refresh_from_db()
    assert stored.amount_10k_yuan == Decimal("55")
    assert stored.status == "planned"  # the file has no status column: kept


@pytest.mark.django_db
def test_an_import_reports_every_bad_row_and_writes_nothing(enterprise, epb_user):
    with translation.override("en"):
        result = get_importer(KIND)(user=epb_user).run(
            _csv(
                [
                    HEADER,
                    "E1,2000,脱硫,treatment,10,own,completed,",
                    "NOPE,2000,脱硫,treatment,10,own,completed,",
                    "E1,2000,脱硫,treatment,10,own,completed,",
                    "E1,2000,监测,fireworks,-1,own,completed,",
                ]
            ),
            "x.csv",
        )
    assert not result.ok and not EnvironmentalInvestment.objects.exists()
    found = {(issue.row, issue.column) for issue in result.errors}
    assert (3, "enterprise_code") in found
    assert (4, "project") in found  # duplicate of row 2
    assert {(5, "category"), (5, "amount_10k_yuan")} <= found


@pytest.mark.django_db
def test_only_writers_may_import(client_as):
    assert client_as("epb_staff").get(reverse("import", args=[KIND])).status_code == 200
    assert client_as("leadership").get(reverse("import", args=[KIND])).status_code == 403
    assert client_as("auditor").get(reverse("format_document", args=[KIND])).status_code == 200


# -- the enterprise page's panel -----------------------------------------------------------------
@pytest.mark.django_db
def test_the_enterprise_page_shows_its_investment_by_year(client_as, invested, enterprise):
    page = client_as("leadership").get(enterprise.get_absolute_url()).content.decode()
    assert 'id="panel-investment"' in page
    assert 'id="investment-year-1998"' in page and 'id="investment-year-2000"' in page
    assert "investment-year-2001" not in page  # another enterprise's year
    assert "New environmental investment" not in page and "新增环境投资" not in page


@pytest.mark.django_db
def test_an_auditor_sees_the_panel_of_their_audits_enterprises_only(
    client, invested, enterprise, other_enterprise, auditor_user
):
    make_audit(other_enterprise, "2000-02-01").team.add(auditor_user)
    client.force_login(auditor_user)
    theirs = client.get(other_enterprise.get_absolute_url())
    assert 'id="investment-year-2000"' in theirs.content.decode()
    other = client.get(enterprise.get_absolute_url())
    assert other.status_code == 200
    assert 'id="panel-investment"' not in other.content.decode()
