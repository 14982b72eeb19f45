"""The compliance form's rules (docs/formats/compliance-summary.md, "compliance") at their
edges: a value equal to the limit, below detection, a limit changing mid-year, a permit in
force part of the year, the six-month windows at the year's ends, missing monitoring."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from enterprises.models import AnnualDischarge, Pollutant
from permits import compliance
from permits.models import MonitoringValue
from tests.permits.test_permits import make_permit
from tests.reports.factories import make_enterprise

COD = ("DW001", "water", "COD", "daily_mean", "100", "mg/L", "")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def works(db):
    return make_enterprise("E1")


def value(
    enterprise,
    day: str,
    amount: str,
    below: bool = False,
    outlet="DW001",
    basis="daily_mean",
    pollutant="COD",
    hour=None,
):
    return MonitoringValue.objects.create(
        enterprise=enterprise,
        outlet=outlet,
        pollutant=Pollutant.objects.get(code=pollutant),
        basis=basis,
        measured_on=datetime.date.fromisoformat(day),
        hour=hour,
        value=Decimal(amount),
        below_detection=below,
    )


def row(year=2001, today=datetime.date(2030, 1, 1), **match) -> dict:
    rows = [dict(zip(compliance.HEADER, r, strict=True)) for r in compliance.csv_rows(year, today)]
    found = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(found) == 1, rows
    return found[0]


@pytest.mark.django_db
def test_a_value_equal_to_the_limit_complies_and_below_detection_never_exceeds(works):
    make_permit(works, rows=[COD])
    value(works, "2001-01-03", "100")  # equal: complies
    value(works, "2001-01-04", "150", below=True)  # below detection: never exceeds
    value(works, "2001-01-05", "100.01")  # above
    found = row(outlet="DW001")
    assert (found["samples"], found["exceedances"], found["max_exceedance_pct"]) == (
        "3",
        "1",
        "0.0",
    )
    assert found["months_exceeded"] == "1"
    assert (found["permitted_t"], found["actual_t"], found["exceeded"]) == ("", "", "")


@pytest.mark.django_db
def test_each_value_meets_the_limit_in_force_on_its_day(works):
    # The limit changes mid-year: a new permit from July with a stricter limit.
    make_permit(works, "P1", "2000-01-01", "2001-06-30", rows=[COD])
    make_permit(works, "P2", "2001-07-01", "2005-12-31", rows=[COD[:4] + ("50",) + COD[5:]])
    value(works, "2001-06-30", "80")  # under the first permit's 100
    value(works, "2001-07-01", "80")  # over the second's 50: +60 %
    found = row(outlet="DW001")
    assert (found["samples"], found["exceedances"], found["max_exceedance_pct"]) == (
        "2",
        "1",
        "60.0",
    )
    assert found["months_exceeded"] == "1"


@pytest.mark.django_db
def test_chronic_needs_four_months_in_six_consecutive_ones_of_the_year(works):
    make_permit(works, rows=[COD])
    # January, March, May, July: at most three in any window of six months of the year.
    for month in (1, 3, 5, 7):
        value(works, f"2001-{month:02d}-10", "120")
    assert row(outlet="DW001")["chronic"] == "no"
    value(works, "2001-06-10", "120")  # March–August now hold four (3, 5, 6, 7)
    found = row(outlet="DW001")
    assert (found["months_exceeded"], found["chronic"]) == ("5", "yes")


@pytest.mark.django_db
def test_the_windows_stay_within_the_year(works):
    make_permit(works, "P1", "2000-01-01", "2005-12-31", rows=[COD])
    # Two months at the end of 2000 and two at the start of 2001: no window spans the years.
    for day in ("2000-11-10", "2000-12-10", "2001-01-10", "2001-02-10"):
        value(works, day, "150")
    assert row(2000, outlet="DW001")["chronic"] == "no"
    assert row(2001, outlet="DW001")["chronic"] == "no"
    assert row(2000, outlet="DW001")["serious"] == "yes"  # Nov and Dec at ≥ 1.4 × the limit
    assert row(2001, outlet="DW001")["serious"] == "yes"


@pytest.mark.django_db
def test_serious_months_are_those_whose_highest_value_reaches_the_factor(works):
    make_permit(works, rows=[COD])
    value(works, "2001-01-10", "140")  # exactly 1.4 × 100: serious
    value(works, "2001-03-10", "139.99")
    value(works, "2001-03-11", "300", below=True)  # below detection: left out
    assert row(outlet="DW001")["serious"] == "no"
    value(works, "2001-06-10", "141")  # January and June: two within January–June
    assert row(outlet="DW001")["serious"] == "yes"


@pytest.mark.django_db
def test_missing_monitoring_counts_the_required_slots_without_a_value(works):
    make_permit(
        works,
        "P1",
        "2001-03-15",
        "2005-12-31",
        rows=[
            COD[:6] + ("monthly",),
            ("DW001", "water", "COD", "hourly_mean", "150", "mg/L", ""),
            ("DW001", "water", "NH3N", "daily_mean", "15", "mg/L", "daily"),
            ("DW001", "water", "NH3N", "hourly_mean", "20", "mg/L", "quarterly"),
        ],
    )
    # Monthly: April to December are counted (March's first day is before the permit); a
    # value of any basis fills its month.
    value(works, "2001-04-20", "50")
    value(works, "2001-05-02", "50", basis="hourly_mean", hour=3)
    assert row(outlet="DW001", pollutant="COD", basis="daily_mean")["missing"] == "7"
    # The other basis row of the same outlet and pollutant says 0.
    assert row(outlet="DW001", pollutant="COD", basis="hourly_mean")["missing"] == "0"
    # Daily: 15 March to 31 December, less the days with a value.
    value(works, "2001-03-15", "5", pollutant="NH3N")
    value(works, "2001-12-31", "5", pollutant="NH3N")
    days = (datetime.date(2001, 12, 31) - datetime.date(2001, 3, 15)).days + 1
    assert row(outlet="DW001", pollutant="NH3N", basis="daily_mean")["missing"] == str(days - 2)
    # Quarterly: Q2–Q4 counted (Q1 starts before the permit); Q4 has a value (of another
    # basis), Q2 and Q3 none.
    assert row(outlet="DW001", pollutant="NH3N", basis="hourly_mean")["missing"] == "2"


@pytest.mark.django_db
def test_in_the_current_year_only_slots_ended_fifteen_days_ago_count(works):
    make_permit(works, rows=[COD[:6] + ("monthly",)])
    # On 20 March 2001: January and February ended over 15 days ago; March has not ended.
    found = row(today=datetime.date(2001, 3, 20), outlet="DW001")
    assert found["missing"] == "2"
    # On 14 March February ended only 14 days ago: January alone.
    assert row(today=datetime.date(2001, 3, 14), outlet="DW001")["missing"] == "1"


@pytest.mark.django_db
def test_the_permitted_quantity_is_pro_rata_and_the_actual_from_the_ledger(works):
    annual = ("", "", "COD", "annual_total", "365", "t", "")
    make_permit(works, "P1", "2000-01-01", "2001-03-31", rows=[COD, annual])  # 90 days of 2001
    make_permit(
        works, "P2", "2001-04-01", "2009-12-31", rows=[COD, annual[:4] + ("730",) + annual[5:]]
    )
    found = row(outlet="", pollutant="COD")
    # 365 × 90/365 + 730 × 275/365 = 90 + 550 = 640
    assert (found["basis"], found["permitted_t"], found["actual_t"], found["share_pct"]) == (
        "annual_total",
        "640.00",
        "",
        "",
    )
    AnnualDischarge.objects.create(
        enterprise=works,
        year=2001,
        pollutant=Pollutant.objects.get(code="COD"),
        amount=Decimal("640.001"),
        basis="Y",
        verified=True,
    )
    found = row(outlet="", pollutant="COD")
    assert (found["actual_t"], found["share_pct"], found["exceeded"]) == ("640.00", "100.0", "yes")


@pytest.mark.django_db
def test_the_rows_are_in_the_formats_order(works):
    other = make_enterprise("A0")
    make_permit(other, "PA", rows=[COD])
    make_permit(
        works,
        "P1",
        rows=[
            ("DW002", "water", "COD", "daily_mean", "100", "mg/L", ""),
            ("DA001", "air", "SO2", "hourly_mean", "850", "mg/m3", ""),
            ("DA001", "air", "SO2", "daily_mean", "400", "mg/m3", ""),
            ("", "", "COD", "annual_total", "9", "t", ""),
        ],
    )
    keys = [tuple(r[:4]) for r in compliance.csv_rows(2001, datetime.date(2030, 1, 1))]
    assert keys == [
        ("A0", "DW001", "COD", "daily_mean"),
        ("E1", "DA001", "SO2", "daily_mean"),
        ("E1", "DA001", "SO2", "hourly_mean"),
        ("E1", "DW002", "COD", "daily_mean"),
        ("E1", "", "COD", "annual_total"),
    ]
    # A year the permits were not in force has no rows.
    assert compliance.csv_rows(1990) == []
