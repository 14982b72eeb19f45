"""Charts: valid SVG with the expected series, Chinese labels without missing glyphs, and a
cache that never serves a drawing older than its records."""

import warnings
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from benxi_cp import guards
from enterprises import ledger
from enterprises.models import DischargeValue
from reports import figures
from reports.figures import Params
from tests.fixtures import ALL_ROLES
from tests.reports.factories import make_report

SVG = "{http://www.w3.org/2000/svg}"


def series_of(svg: str) -> dict[str, int]:
    """{series key: number of bars} from the ids `series-<key>-<point>` of the drawing."""
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    found: dict[str, int] = {}
    for element in root.iter():
        ident = element.get("id", "")
        if ident.startswith("series-"):
            key = ident[len("series-") :].rsplit("-", 1)[0]
            found[key] = found.get(key, 0) + 1
    return found


def draw(name: str, **params) -> str:
    with translation.override("zh-hans"), warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph warns: fail on it
        return figures.chart_svg(name, Params(**params))


@pytest.mark.django_db
def test_city_discharge_has_one_bar_per_year_with_verified_reports(programme):
    from enterprises.models import Pollutant

    svg = draw("city-discharge", year=2000, pollutant=Pollutant.objects.get(code="COD"))
    # COD: 1997 (E1), 1998 (E2 quarters), 1999 (E1; E3 has only three quarters)
    assert series_of(svg) == {"COD": 3}
    # The Chinese label is drawn with the CJK font, as outlines: the SVG needs no font.
    assert (
        "<!-- 化学需氧量 (吨) -->" in svg
    )  # the unit in the chart's language and "NotoSansCJK" in svg
    assert ET.fromstring(svg).find(f".//{SVG}text") is None


@pytest.mark.django_db
def test_discharge_of_one_enterprise_marks_its_audits(programme):
    from enterprises.models import Pollutant

    svg = draw(
        "discharge",
        year=2001,
        pollutant=Pollutant.objects.get(code="COD"),
        enterprise=programme["e1"],
    )
    assert series_of(svg) == {"COD": 2}  # 1997 and 1999
    root = ET.fromstring(svg)
    marks = {e.get("id") for e in root.iter() if e.get("id", "").startswith("mark-")}
    assert marks == {"mark-1998", "mark-2000"}  # its two audits


@pytest.mark.django_db
def test_discharge_of_a_sector(programme):
    from enterprises.models import Pollutant

    svg = draw(
        "discharge", year=2001, pollutant=Pollutant.objects.get(code="COD"), sector="chemicals"
    )
    assert series_of(svg) == {"COD": 1}  # E2's 1998 quarters; E3 incomplete


@pytest.mark.django_db
def test_investment_and_benefit_per_year(programme):
    # Implemented: 1998 (L1), 1999 (L5), 2000 (M1, L6); 2002 is after the year.
    # Environmental investment (programme app): none recorded, a zero bar for each year.
    assert series_of(draw("investment", year=2000)) == {
        "investment": 3,
        "benefit": 3,
        "environmental": 3,
    }


@pytest.mark.django_db
def test_options_by_aspect_and_fee_class(programme):
    assert series_of(draw("options", year=2000)) == {"low_no": 8, "medium_high": 8}


@pytest.mark.django_db
def test_target_progress_has_one_bar_per_target(programme):
    assert series_of(draw("targets", year=2000)) == {"cod_total-2000": 1, "gdp-2000": 1}
    assert series_of(draw("targets", year=2000, dimension="environmental")) == {"cod_total-2000": 1}


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(figures.CHARTS))
def test_every_chart_draws_on_an_empty_database(name):
    svg = draw(name, year=2000)
    ET.fromstring(svg)
    assert series_of(svg) == {}


@pytest.mark.django_db
def test_a_chart_is_cached_until_its_records_change(programme, django_assert_num_queries):
    from enterprises.models import Pollutant

    cod = Pollutant.objects.get(code="COD")
    first = figures.chart_svg("city-discharge", Params(year=2000, pollutant=cod))
    # Cached: only the data version is read (benxi_cp.datacache).
    with django_assert_num_queries(1):
        again = figures.chart_svg("city-discharge", Params(year=2000, pollutant=cod))
    assert again == first

    # A report submitted since: 1998 waits for its verification and shows no total.
    assert "series-COD-1998" in first
    report = make_report(programme["e1"], 1998, {"COD": "900"}, status="submitted")
    waiting = figures.chart_svg("city-discharge", Params(year=2000, pollutant=cod))
    assert 'id="pending-COD-1998"' in waiting and "series-COD-1998" not in waiting
    # Verified (by the workflow's write path): 1998 is complete again, with the new figure.
    report.status = "verified"
    report.save()
    ledger.refresh({(report.enterprise_id, 1998)})
    changed = figures.chart_svg("city-discharge", Params(year=2000, pollutant=cod))
    assert changed not in (first, waiting) and "series-COD-1998" in changed
    value = report.values.get()

    # A correction below the report lock (as an unlock allows), with the ledger brought in
    # line as the write paths do: the chart follows.
    with guards.suspended():
        DischargeValue.objects.filter(pk=value.pk).update(amount=Decimal("300"))
    ledger.refresh({(report.enterprise_id, 1998)})
    assert figures.chart_svg("city-discharge", Params(year=2000, pollutant=cod)) != changed

    make_report(programme["e1"], 2000, {"COD": "10"})
    assert series_of(figures.chart_svg("city-discharge", Params(year=2000, pollutant=cod))) == {
        "COD": 4
    }  # 1997, 1998 (E1 now with E2), 1999, 2000


@pytest.mark.django_db
def test_the_language_is_part_of_the_cache_key(programme):
    with translation.override("zh-hans"):
        chinese = figures.chart_svg("investment", Params(year=2000))
    with translation.override("en"):
        english = figures.chart_svg("investment", Params(year=2000))
    assert chinese != english


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_role_may_see_the_charts(client_as, programme, role):
    client = client_as(role)
    for name in figures.CHARTS:
        response = client.get(reverse("reports:chart", args=[name]), {"year": 2000})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("image/svg+xml")
        ET.fromstring(response.content)


@pytest.mark.django_db
def test_charts_are_refused_to_strangers_and_on_bad_parameters(client, make_user, client_as):
    url = reverse("reports:chart", args=["investment"])
    assert client.get(url).status_code == 302
    client.force_login(make_user(None))
    assert client.get(url).status_code == 403
    client = client_as("leadership")
    assert client.get(reverse("reports:chart", args=["nonsense"])).status_code == 404
    assert client.get(url, {"year": "abc"}).status_code == 400
    discharge = reverse("reports:chart", args=["discharge"])
    assert client.get(discharge, {"year": 2000, "pollutant": "XYZ"}).status_code == 404
    assert client.get(discharge, {"year": 2000, "enterprise": "x"}).status_code == 404
    assert client.get(discharge, {"year": 2000, "sector": "mining"}).status_code == 404
