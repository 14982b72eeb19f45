"""The annual discharge rule as every report reads it (the ledger, enterprises/ledger.py),
on hand-made reports."""

from decimal import Decimal

import pytest

from enterprises import ledger
from enterprises.ledger import verified_figures
from enterprises.models import Pollutant
from tests.reports.factories import make_enterprise, make_report


def quarters(enterprise, year, values, status="verified", count=4):
    for quarter in range(1, count + 1):
        make_report(enterprise, year, values, kind="Q", number=quarter, status=status)


@pytest.mark.django_db
def test_the_annual_report_else_four_quarters_else_twelve_months():
    cod = Pollutant.objects.get(code="COD").pk
    annual, quarterly, monthly, partial = (make_enterprise(code) for code in "AQMP")
    make_report(annual, 2000, {"COD": "100"})
    quarters(annual, 2000, {"COD": "1"})  # the annual report wins
    quarters(quarterly, 2000, {"COD": "5"})
    for month in range(1, 13):
        make_report(quarterly, 2000, {"COD": "1"}, kind="M", number=month)
        make_report(monthly, 2000, {"COD": "2"}, kind="M", number=month)
    quarters(partial, 2000, {"COD": "7"}, count=3)  # three quarters are not a year

    found = verified_figures(years=[2000])
    assert found == {
        (annual.pk, 2000, cod): Decimal("100"),
        (quarterly.pk, 2000, cod): Decimal("20"),
        (monthly.pk, 2000, cod): Decimal("24"),
    }


@pytest.mark.django_db
def test_only_a_verified_annual_report_stands_for_the_year():
    cod = Pollutant.objects.get(code="COD").pk
    so2 = Pollutant.objects.get(code="SO2").pk
    submitted, verified = make_enterprise("S"), make_enterprise("V")
    make_report(submitted, 2000, {"COD": "100"}, status="submitted")
    quarters(submitted, 2000, {"COD": "5"})  # the annual report is not official yet
    # A verified annual report is the year's figure: a pollutant it does not carry is not
    # taken from the quarters ("when no annual one exists").
    make_report(verified, 2000, {"COD": "100"})
    quarters(verified, 2000, {"COD": "5", "SO2": "3"})

    found = verified_figures(years=[2000])
    assert found == {(submitted.pk, 2000, cod): Decimal("20"), (verified.pk, 2000, cod): 100}
    assert (verified.pk, 2000, so2) not in found


@pytest.mark.django_db
def test_each_argument_narrows_the_result():
    cod = Pollutant.objects.get(code="COD").pk
    first, second = make_enterprise("E1", sector="iron_steel"), make_enterprise("E2")
    for enterprise in (first, second):
        make_report(enterprise, 1999, {"COD": "10", "SO2": "1"})
        quarters(enterprise, 2000, {"COD": "1", "SO2": "1"})

    assert set(verified_figures(pollutant_ids=[cod])) == {
        (first.pk, 1999, cod),
        (second.pk, 1999, cod),
        (first.pk, 2000, cod),
        (second.pk, 2000, cod),
    }
    pairs = {(first.pk, 1999), (second.pk, 2000)}
    assert {key[:2] for key in verified_figures(pairs=pairs)} == pairs
    assert ledger.verified_sums(cod, sector="iron_steel") == {
        1999: (Decimal("10"), 1),
        2000: (Decimal("4"), 1),
    }
    assert {key[0] for key in verified_figures(enterprise_ids=[second.pk])} == {second.pk}
    assert verified_figures(pairs=set()) == {}
