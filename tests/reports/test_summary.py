"""Every key of the programme summary, on hand-made records (tests/reports/scenario.py)."""

from decimal import Decimal

import pytest

from reports.summary import programme_summary
from tests.reports.factories import make_audit, make_enterprise, make_option, make_report

# Worked out by hand from scenario.py, as of 31 December 2000.
EXPECTED_2000 = [
    # E1, E2, E3, E6, E7 started by 2000; E4 started in 2002; E5 never.
    ("enterprises_in_programme", "5"),
    # E1, E2, E4, E5 are state large/medium; of them E1 and E2 had started.
    ("state_large_medium_total", "4"),
    ("state_large_medium_in_programme", "2"),
    ("coverage_pct", "50.0"),
    # E1 (1999); E2 (2000-11); not E6 (2001) nor E7 (failed).
    ("accepted_national_centre", "1"),
    ("accepted_municipality", "1"),
    # E1 named 2000-05; E2 has no date of naming and was accepted 2000-11.
    ("demonstration", "2"),
    # L1 L2 L5 L6 L7: proposed L3 and rejected L4 are not retained.
    ("options_low_no_retained", "5"),
    ("options_low_no_implemented", "3"),
    # M1 M2 M3 M4: M3, implemented in 2002, is retained but not implemented.
    ("options_medium_high_retained", "4"),
    ("options_medium_high_implemented", "1"),
    # L1 2 + M1 100 + L5 1 (+ L6 with no amounts); M3 and L8 come later.
    ("investment_10k_yuan", "103.00"),
    ("annual_benefit_10k_yuan", "307.00"),
    ("input_output_ratio", "2.98"),  # 307 / 103 = 2.9805
    # COD: E1 100 + 50, E2 30, E3 10; the rate leaves E3 out (no full 1999 baseline):
    # (150 + 30) / (600 + 200) = 22.5 %.
    ("reduction_COD", "190.00"),
    ("reduction_rate_COD_pct", "22.5"),
    ("reduction_SO2", "20.00"),
    ("reduction_rate_SO2_pct", "20.0"),  # 20 / 100
]


@pytest.mark.django_db
def test_every_key_of_the_2000_summary(programme):
    assert programme_summary(2000).rows() == EXPECTED_2000


@pytest.mark.django_db
def test_enterprises_without_a_baseline_are_counted_and_left_out_of_the_rate(programme):
    summary = programme_summary(2000)
    cod = next(r for r in summary.reductions if r.pollutant.code == "COD")
    assert cod.without_baseline == (programme["e3"].pk,)
    assert cod.enterprises == 3
    assert (cod.amount, cod.amount_with_baseline, cod.baseline) == (
        Decimal("190"),
        Decimal("180"),
        Decimal("800"),
    )
    assert summary.without_baseline == 1


@pytest.mark.django_db
def test_a_year_earlier_counts_only_what_was_dated_by_then(programme):
    rows = dict(programme_summary(1999).rows())
    assert rows["enterprises_in_programme"] == "2"  # E1, E2
    assert rows["accepted_national_centre"] == "1"
    assert rows["accepted_municipality"] == "0"
    assert rows["demonstration"] == "0"  # E1 named in 2000, E2 accepted in 2000
    assert rows["options_low_no_retained"] == "3"  # L1 L2 L5 (E3 and L7 started in 2000)
    assert rows["options_medium_high_retained"] == "4"  # M1-M4: E1 started in 1998
    assert rows["options_low_no_implemented"] == "2"
    assert rows["options_medium_high_implemented"] == "0"
    assert rows["investment_10k_yuan"] == "3.00"
    assert rows["input_output_ratio"] == "2.33"  # 7 / 3
    assert rows["reduction_COD"] == "130.00"
    assert rows["reduction_rate_COD_pct"] == "16.3"  # 130 / 800 = 16.25, half up
    assert "reduction_SO2" not in rows


@pytest.mark.django_db
def test_later_years_pick_up_the_later_records(programme):
    rows = dict(programme_summary(2002).rows())
    assert rows["enterprises_in_programme"] == "6"
    assert rows["state_large_medium_in_programme"] == "3"
    assert rows["coverage_pct"] == "75.0"
    assert rows["accepted_municipality"] == "2"  # E2, E6
    assert rows["options_medium_high_implemented"] == "2"
    assert rows["investment_10k_yuan"] == "1106.00"
    # E4's baseline year 2001 has no report: COD 190 + 999 + 7, rate over E1 and E2 only.
    assert rows["reduction_COD"] == "1196.00"
    assert rows["reduction_rate_COD_pct"] == "147.4"  # (150 + 999 + 30) / 800


@pytest.mark.django_db
def test_an_empty_programme_gives_zeros_and_empty_rates():
    make_enterprise("X1", slm=False)
    assert programme_summary(2001).rows() == [
        ("enterprises_in_programme", "0"),
        ("state_large_medium_total", "0"),
        ("state_large_medium_in_programme", "0"),
        ("coverage_pct", ""),
        ("accepted_national_centre", "0"),
        ("accepted_municipality", "0"),
        ("demonstration", "0"),
        ("options_low_no_retained", "0"),
        ("options_low_no_implemented", "0"),
        ("options_medium_high_retained", "0"),
        ("options_medium_high_implemented", "0"),
        ("investment_10k_yuan", "0.00"),
        ("annual_benefit_10k_yuan", "0.00"),
        ("input_output_ratio", ""),
    ]


@pytest.mark.django_db
def test_baselines_from_twelve_months_and_the_annual_report_first():
    monthly = make_enterprise("M", slm=True)
    audit = make_audit(monthly, "1997-04-01")
    make_option(audit, "1", reductions={"SO2": "12"})
    for month in range(1, 13):
        make_report(monthly, 1996, {"SO2": "10"}, kind="M", number=month)
    both = make_enterprise("B", slm=True)
    audit = make_audit(both, "1997-04-01")
    make_option(audit, "1", reductions={"SO2": "8"})
    make_report(both, 1996, {"SO2": "80"})
    for quarter in range(1, 5):  # the annual report wins over the quarters
        make_report(both, 1996, {"SO2": "1000"}, kind="Q", number=quarter)
    unverified = make_enterprise("U")
    audit = make_audit(unverified, "1997-04-01")
    make_option(audit, "1", reductions={"SO2": "5"})
    make_report(unverified, 1996, {"SO2": "50"}, status="submitted")

    rows = dict(programme_summary(1997).rows())
    assert rows["reduction_SO2"] == "25.00"
    assert rows["reduction_rate_SO2_pct"] == "10.0"  # (12 + 8) / (120 + 80)


@pytest.mark.django_db
def test_a_reduction_without_any_baseline_has_an_empty_rate():
    enterprise = make_enterprise("N")
    audit = make_audit(enterprise, "1997-04-01")
    make_option(audit, "1", reductions={"NOX": "3.456", "DUST": "0"})
    rows = programme_summary(1997).rows()
    assert rows[-2:] == [("reduction_NOX", "3.46"), ("reduction_rate_NOX_pct", "")]
    assert "reduction_DUST" not in dict(rows)  # a zero reduction is no reduction


@pytest.mark.django_db
def test_the_summary_runs_a_fixed_number_of_queries(programme, django_assert_num_queries):
    # 1. register (in the programme, state large/medium), 2. audits (acceptances,
    # demonstration), 3. options (retained, implemented, money), 4. reductions claimed
    # with each enterprise's baseline from the ledger, 5. their pollutants
    with django_assert_num_queries(5):
        programme_summary.compute(2000)
