"""Claimed reductions (implemented options) beside measured change (verified reports)."""

from decimal import Decimal

import pytest

from reports.claims import NO_BASELINE, city_totals, comparisons
from tests.reports.factories import make_audit, make_enterprise, make_option, make_report


@pytest.fixture
def plants(db):
    c1 = make_enterprise("C1", name="甲厂")
    audit = make_audit(c1, "1998-01-15")
    make_option(audit, "1", implemented_on="1998-06-01", reductions={"COD": "200"})
    make_option(audit, "2", implemented_on="2000-03-01", reductions={"COD": "100"})
    make_report(c1, 1997, {"COD": "1000"})
    make_report(c1, 1999, {"COD": "850"})
    make_report(c1, 2000, {"COD": "100"}, status="submitted")  # not verified: not counted

    c2 = make_enterprise("C2", name="乙厂")
    audit = make_audit(c2, "1998-05-01")
    make_option(audit, "1", implemented_on="1998-09-01", reductions={"SO2": "50"})
    make_report(c2, 1997, {"SO2": "500"})
    make_report(c2, 1999, {"SO2": "300"})

    c3 = make_enterprise("C3", name="丙厂")
    audit = make_audit(c3, "1999-02-01")
    make_option(audit, "1", implemented_on="1999-06-01", reductions={"COD": "40"})
    make_report(c3, 2000, {"COD": "10"})
    return {"c1": c1, "c2": c2, "c3": c3}


@pytest.mark.django_db
def test_each_enterprise_is_compared_over_its_own_years(plants):
    pairs = {(c.enterprise.code, c.pollutant.code): c for c in comparisons(2000)}
    assert set(pairs) == {("C1", "COD"), ("C2", "SO2"), ("C3", "COD")}

    c1 = pairs[("C1", "COD")]
    assert (c1.baseline_year, c1.baseline, c1.latest_year, c1.latest) == (
        1997,
        Decimal("1000"),
        1999,
        Decimal("850"),
    )
    # Only the option implemented by the end of 1999 can show in the 1999 report.
    assert (c1.claimed, c1.measured, c1.difference, c1.gap_pct) == (
        Decimal("200"),
        Decimal("150"),
        Decimal("-50"),
        Decimal("-25.0"),
    )
    assert not c1.large  # within 30 % of the claim

    c2 = pairs[("C2", "SO2")]
    assert (c2.claimed, c2.measured, c2.gap_pct) == (
        Decimal("50"),
        Decimal("200"),
        Decimal("300.0"),
    )
    assert c2.large

    c3 = pairs[("C3", "COD")]
    assert not c3.comparable and c3.reason == str(NO_BASELINE)
    assert c3.measured is None and not c3.large


@pytest.mark.django_db
def test_the_city_adds_up_the_comparable_enterprises(plants):
    totals = {t.pollutant.code: t for t in city_totals(comparisons(2000))}
    cod = totals["COD"]
    assert (cod.enterprises, cod.not_comparable, cod.claimed, cod.measured) == (
        1,
        1,
        Decimal("200"),
        Decimal("150"),
    )
    assert not cod.large
    assert totals["SO2"].large


@pytest.mark.django_db
def test_a_year_before_any_claim_compares_nothing(plants):
    assert comparisons(1997) == []
    (only,) = comparisons(1998, enterprise_id=plants["c2"].pk)
    assert only.latest_year is None and only.claimed == Decimal("50")


@pytest.mark.django_db
def test_comparisons_run_a_fixed_number_of_queries(plants, django_assert_num_queries):
    # 1. the pairs: claims, baseline year, baseline, latest year and figure, the claim by
    #    then, in one query over the options' reductions and the ledger
    # 2. their enterprises
    # 3. their pollutants
    with django_assert_num_queries(3):
        comparisons.compute(2000)
