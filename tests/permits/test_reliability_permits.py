"""Reliability sees the permit: an annual report above its permitted quantity, or far from
its monitored concentrations × its waste water or waste gas, is flagged in its grade; each
rule at its edge, and the flags follow the monitoring and the permits as they change."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from benxi_cp.importers import get_importer
from enterprises.choices import FlagCode
from enterprises.flags import render_message
from enterprises.models import DischargeReport, Pollutant, ReliabilityFlag
from enterprises.reliability import (
    MIN_MONITORED,
    MONITORED_TOLERANCE,
    Monitored,
    check_monitored,
    check_permitted,
)
from enterprises.reliability_store import refresh_reports
from permits.models import MonitoringValue
from tests.permits.test_permits import make_permit
from tests.reports.factories import make_enterprise, make_report


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# -- the checks, plain values ------------------------------------------------------------------
def test_a_quantity_equal_to_the_permitted_one_is_not_flagged():
    assert check_permitted("COD", Decimal("10"), Decimal("10")) == []
    assert check_permitted("COD", Decimal("10"), None) == []
    [finding] = check_permitted("COD", Decimal("10.001"), Decimal("10"))
    assert (finding.code, finding.params["permitted"]) == (FlagCode.ABOVE_PERMIT, "10")


WATER = Monitored("water", Decimal("100"), MIN_MONITORED)  # 100 mg/L
# 100 mg/L × 1 (10k t) × 0.01 = 1 t; the tolerance is ±30%.


@pytest.mark.parametrize(
    "amount,flagged",
    [
        ("1.30", False),  # +30% exactly: within
        ("1.3001", True),
        ("0.70", False),  # −30% exactly: within
        ("0.6999", True),
        ("1", False),
    ],
)
def test_the_monitored_tolerance_at_its_edges(amount, flagged):
    assert Decimal("0.30") == MONITORED_TOLERANCE
    found = check_monitored("COD", Decimal(amount), WATER, Decimal("1"))
    assert bool(found) == flagged
    if found:
        assert found[0].code == FlagCode.MONITORED and found[0].params["estimate"] == "1"


def test_air_is_converted_from_mg_per_m3_and_10k_nm3():
    air = Monitored("air", Decimal("200"), 10)  # 200 mg/m³ × 50,000 (10k Nm³) × 1e-5 = 100 t
    assert check_monitored("SO2", Decimal("100"), air, Decimal("50000")) == []
    assert check_monitored("SO2", Decimal("131"), air, Decimal("50000"))


def test_too_few_values_or_no_volume_are_not_checked():
    few = Monitored("water", Decimal("100"), MIN_MONITORED - 1)
    assert check_monitored("COD", Decimal("9"), few, Decimal("1")) == []
    assert check_monitored("COD", Decimal("9"), WATER, None) == []
    assert check_monitored("COD", Decimal("9"), WATER, Decimal("0")) == []


# -- against the database ---------------------------------------------------------------------
@pytest.fixture
def works(db):
    enterprise = make_enterprise("DEMO-0001")
    make_permit(
        enterprise,
        rows=[
            ("DW001", "water", "COD", "daily_mean", "100", "mg/L", "daily"),
            ("", "", "COD", "annual_total", "10", "t", ""),
        ],
    )
    return enterprise


def flags(report) -> dict[str, dict]:
    return {
        flag.code: flag.params
        for flag in ReliabilityFlag.objects.filter(report=report)
        if flag.code in (FlagCode.ABOVE_PERMIT, FlagCode.MONITORED)
    }


def monitor(enterprise, values, year=2001, below=False, day=10):
    cod = Pollutant.objects.get(code="COD")
    for n, value in enumerate(values):
        MonitoringValue.objects.create(
            enterprise=enterprise,
            outlet="DW001",
            pollutant=cod,
            basis="daily_mean",
            measured_on=datetime.date(year, 1 + n, day),
            value=Decimal(value),
            below_detection=below,
        )


@pytest.mark.django_db
def test_an_annual_report_above_its_permit_is_flagged_and_graded_down(works):
    within = make_report(works, 2001, {"COD": "10", "WASTEWATER": "1000"})
    refresh_reports([within.pk])
    assert flags(within) == {}
    above = make_report(works, 2002, {"COD": "10.5", "WASTEWATER": "1000"})
    refresh_reports([above.pk])
    assert set(flags(above)) == {FlagCode.ABOVE_PERMIT}
    above.refresh_from_db()
    assert above.grade == "B"  # one warning
    flag = ReliabilityFlag.objects.get(report=above, code=FlagCode.ABOVE_PERMIT)
    assert "above the 10 t the enterprise's permits allow" in render_message(
        flag.code, flag.params, flag.pollutant
    )


@pytest.mark.django_db
def test_a_permit_in_force_part_of_the_year_allows_its_share(db):
    enterprise = make_enterprise("PART-0001")
    # In force from 1 July 2001: 184 of 365 days of 10 t = 5.04 t in 2001.
    make_permit(
        enterprise,
        first="2001-07-01",
        rows=[
            ("DW001", "water", "COD", "daily_mean", "100", "mg/L", "daily"),
            ("", "", "COD", "annual_total", "10", "t", ""),
        ],
    )
    report = make_report(enterprise, 2001, {"COD": "5.05"})
    refresh_reports([report.pk])
    assert flags(report)[FlagCode.ABOVE_PERMIT]["permitted"] == "5.04"
    report = make_report(enterprise, 2002, {"COD": "5.05"})
    refresh_reports([report.pk])
    assert flags(report) == {}


@pytest.mark.django_db
def test_an_annual_report_far_from_its_monitoring_is_flagged(works):
    # A mean of 100 mg/L × 0.005 (10k t, 50 t of waste water) × 0.01 = 0.005 t of COD.
    monitor(works, ["80", "120", "100", "100"])
    close = make_report(works, 2001, {"COD": "0.0065", "WASTEWATER": "0.005"})
    refresh_reports([close.pk])
    assert flags(close) == {}  # +30% exactly
    far = make_report(works, 2002, {"COD": "0.0065", "WASTEWATER": "0.005"})
    monitor(works, ["80", "120", "100", "99"], year=2002)  # mean 99.75: 0.0049875 t
    refresh_reports([far.pk])
    found = flags(far)
    assert set(found) == {FlagCode.MONITORED}
    assert (found[FlagCode.MONITORED]["count"], found[FlagCode.MONITORED]["medium"]) == (4, "water")
    monthly = make_report(works, 2002, {"COD": "0.1", "WASTEWATER": "0.005"}, kind="M", number=1)
    refresh_reports([monthly.pk])
    assert FlagCode.MONITORED not in flags(monthly)  # a month is not checked this way


@pytest.mark.django_db
def test_a_below_detection_value_counts_as_half_its_limit(works):
    monitor(works, ["100", "100", "100"])
    monitor(works, ["40"], below=True, day=20)
    # mean (100 + 100 + 100 + 20) / 4 = 80 mg/L; × 0.005 × 0.01 = 0.004 t; 0.0028 is −30%,
    # within; counted whole (a mean of 85 mg/L) the same amount would be −34%, flagged.
    report = make_report(works, 2001, {"COD": "0.0028", "WASTEWATER": "0.005"})
    refresh_reports([report.pk])
    assert flags(report) == {}


@pytest.mark.django_db
def test_the_flags_follow_the_monitoring_and_the_permit(works, epb_user):
    report = make_report(works, 2001, {"COD": "12", "WASTEWATER": "1"})
    refresh_reports([report.pk])
    assert set(flags(report)) == {FlagCode.ABOVE_PERMIT}
    # A month of monitoring imported: 4 daily values of 100 mg/L give 1 t, not 12 t.
    lines = "".join(
        f"DEMO-0001,DW001,COD,2001-03-0{day},daily_mean,100,mg/L,no,manual\n" for day in range(1, 5)
    )
    header = (
        "enterprise_code,outlet,pollutant,measured_at,basis,value,unit,below_detection,method\n"
    )
    result = get_importer("monitoring")(user=epb_user).run(
        (header + lines).encode(), "monitoring.csv"
    )
    assert result.ok
    assert set(flags(report)) == {FlagCode.ABOVE_PERMIT, FlagCode.MONITORED}
    # The permit renewed with 15 t a year: the report is within it.
    make_permit(
        works,
        rows=[
            ("DW001", "water", "COD", "daily_mean", "100", "mg/L", "daily"),
            ("", "", "COD", "annual_total", "15", "t", ""),
        ],
    )
    assert set(flags(report)) == {FlagCode.MONITORED}
    assert DischargeReport.objects.get(pk=report.pk).grade == "B"
