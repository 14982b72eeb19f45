"""The demo city's discharge reports: annual reports 1995–2001 for every demo enterprise,
quarterly ones for a few, with magnitudes from DOMAIN.md ("Illustrative magnitudes") and a
handful of deliberate anomalies that the reliability checks catch.

Deterministic (each enterprise draws from its own seeded generator) and idempotent: a
report that already exists is left as it is, so running the loader again neither
duplicates nor overwrites anything. Bulk inserts keep it fast.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from benxi_cp import guards
from enterprises import ledger
from enterprises.choices import Basis, PeriodKind, ReportStatus
from enterprises.models import DischargeReport, DischargeValue, Enterprise, Pollutant
from enterprises.reliability_store import refresh_reports

YEARS = range(1995, 2002)
QUARTERLY_YEARS = (2000, 2001)
# Enterprises that also report by quarter (a steel works, a cement works, a coking plant,
# a power plant, a paper mill).
QUARTERLY = {"DEMO-0001", "DEMO-0002", "DEMO-0012", "DEMO-0036", "DEMO-0052"}

# Annual figures of a large enterprise of each kind, (low, high), after DOMAIN.md's table.
# Keys: WASTEWATER 10k t, COD t, NH3N t, WASTEGAS 10k Nm3, SO2 t, NOX t, SOOT+DUST t,
# SW_GEN t, ENERGY tce, OUTPUT 10k yuan.
PROFILES = {
    "iron_steel": {
        "WASTEWATER": (3000, 10000),
        "COD": (1000, 4000),
        "WASTEGAS": (2_000_000, 6_000_000),
        "SO2": (10000, 40000),
        "NOX": (5000, 15000),
        "PARTICLES": (5000, 20000),
        "SW_GEN": (1_000_000, 5_000_000),
        "ENERGY": (2_000_000, 6_000_000),
        "OUTPUT": (300_000, 800_000),
    },
    "coal": {
        "WASTEWATER": (200, 1500),
        "COD": (300, 2000),
        "NH3N": (30, 200),
        "WASTEGAS": (50_000, 500_000),
        "SO2": (500, 5000),
        "PARTICLES": (500, 5000),
        "SW_GEN": (200_000, 2_000_000),
        "ENERGY": (50_000, 500_000),
        "OUTPUT": (20_000, 120_000),
    },
    "building_materials": {
        "WASTEWATER": (5, 100),
        "COD": (5, 80),
        "WASTEGAS": (100_000, 1_000_000),
        "SO2": (200, 3000),
        "NOX": (300, 3000),
        "PARTICLES": (1000, 10000),
        "SW_GEN": (1000, 50000),
        "ENERGY": (30_000, 300_000),
        "OUTPUT": (5_000, 60_000),
    },
    "chemicals": {
        "WASTEWATER": (50, 800),
        "COD": (200, 3000),
        "NH3N": (20, 300),
        "WASTEGAS": (10_000, 200_000),
        "SO2": (100, 2000),
        "PARTICLES": (50, 1000),
        "SW_GEN": (5000, 100_000),
        "ENERGY": (10_000, 200_000),
        "OUTPUT": (10_000, 100_000),
    },
    "power": {
        "WASTEWATER": (100, 1000),
        "COD": (50, 500),
        "WASTEGAS": (1_000_000, 5_000_000),
        "SO2": (5000, 50000),
        "NOX": (3000, 30000),
        "PARTICLES": (2000, 20000),
        "SW_GEN": (100_000, 1_000_000),
        "ENERGY": (500_000, 3_000_000),
        "OUTPUT": (30_000, 150_000),
    },
    "nonferrous": {
        "WASTEWATER": (100, 1000),
        "COD": (50, 500),
        "WASTEGAS": (200_000, 2_000_000),
        "SO2": (2000, 20000),
        "PARTICLES": (500, 5000),
        "SW_GEN": (50_000, 500_000),
        "ENERGY": (50_000, 500_000),
        "OUTPUT": (20_000, 150_000),
    },
    "machinery": {
        "WASTEWATER": (10, 150),
        "COD": (20, 400),
        "WASTEGAS": (5_000, 60_000),
        "SO2": (50, 600),
        "PARTICLES": (50, 600),
        "SW_GEN": (1000, 15000),
        "ENERGY": (3_000, 30_000),
        "OUTPUT": (5_000, 60_000),
    },
    "light_industry": {  # paper mills: much waste water and COD for their size
        "WASTEWATER": (50, 500),
        "COD": (300, 3000),
        "NH3N": (5, 60),
        "WASTEGAS": (1_000, 20_000),
        "SO2": (10, 200),
        "PARTICLES": (10, 200),
        "SW_GEN": (100, 5000),
        "ENERGY": (500, 10_000),
        "OUTPUT": (1_000, 20_000),
    },
    "pharmaceuticals": {
        "WASTEWATER": (20, 300),
        "COD": (200, 2000),
        "NH3N": (10, 150),
        "WASTEGAS": (10_000, 100_000),
        "SO2": (50, 800),
        "PARTICLES": (20, 400),
        "SW_GEN": (2000, 40000),
        "ENERGY": (5_000, 80_000),
        "OUTPUT": (5_000, 50_000),
    },
    "other": {  # textile mills
        "WASTEWATER": (1, 50),
        "COD": (5, 200),
        "WASTEGAS": (1_000, 20_000),
        "SO2": (10, 200),
        "PARTICLES": (10, 200),
        "SW_GEN": (100, 5000),
        "ENERGY": (500, 10_000),
        "OUTPUT": (1_000, 20_000),
    },
}
SIZE_SCALE = {"large": 1.0, "medium": 0.45, "small": 0.15, "": 0.3}
# Share of the solid waste generated that is utilised, disposed and stored.
SOLID_FATE = {
    "iron_steel": (0.62, 0.18),
    "coal": (0.35, 0.15),
    "power": (0.45, 0.25),
    "building_materials": (0.70, 0.20),
}
DEFAULT_FATE = (0.40, 0.35)
# CP takes hold from 1997: discharge falls a little each year while output grows.
CUT_PER_YEAR = 0.04
GROWTH_PER_YEAR = 0.05

# The deliberate anomalies, and the check each should trip.
ANOMALIES = {
    # COD typed four times too large: far from its history (outlier) and +300% (yoy).
    ("DEMO-0001", 2001, "Y", 0): {"COD": 4.0},
    # SO2 reported as zero by a cement works that always had a large figure (zero).
    ("DEMO-0018", 2000, "Y", 0): {"SO2": 0.0},
    # Waste water jumps by 80% at a coking plant: year-on-year only.
    ("DEMO-0012", 1998, "Y", 0): {"WASTEWATER": 1.8},
    # Solid waste utilised entered twice over (solid waste balance).
    ("DEMO-0010", 1999, "Y", 0): {"SW_UTIL": 2.0},
    # The third quarter's COD three times too large: quarters no longer add up to the year.
    ("DEMO-0002", 2000, "Q", 3): {"COD": 3.0},
    # A chemical plant's SO2 far above its peers' per unit of output (intensity).
    ("DEMO-0030", 1999, "Y", 0): {"SO2": 12.0},
    # Two slips in one report, waste gas ten times too large and energy ten times too
    # small: two serious flags, grade D.
    ("DEMO-0045", 2001, "Y", 0): {"WASTEGAS": 10.0, "ENERGY": 0.1},
}
# A pollutant left out of a report although reported the year before (completeness).
OMITTED = {("DEMO-0031", 2001, "Y", 0): "NH3N", ("DEMO-0036", 2001, "Y", 0): "NOX"}
RETURN_REASON = "氨氮未填报，请补报后重新提交。"


def _round(value: float) -> Decimal:
    if value >= 1000:
        return Decimal(round(value))
    if value >= 10:
        return Decimal(str(round(value, 1)))
    return Decimal(str(round(value, 3)))


def _annual_series(enterprise: Enterprise) -> dict[int, dict]:
    """year → {"output": Decimal, "amounts": {code: float}, "bases": {code: basis}}."""
    rng = random.Random(f"discharge:{enterprise.code}")
    profile = PROFILES[enterprise.sector]
    scale = SIZE_SCALE.get(enterprise.size, 0.3)
    output = rng.uniform(*profile["OUTPUT"]) * scale
    typical_output = sum(profile["OUTPUT"]) / 2
    # Each figure follows the enterprise's output at the sector's typical intensity, give or
    # take a factor of 1.6: plants of a sector differ, but not by orders of magnitude.
    level = {
        key: (low + high) / 2 / typical_output * output * rng.uniform(0.6, 1.6)
        for key, (low, high) in profile.items()
        if key != "OUTPUT"
    }
    level["OUTPUT"] = output
    soot_share = rng.uniform(0.3, 0.6)
    fresh_ratio = rng.uniform(1.3, 1.8)
    used, disposed = SOLID_FATE.get(enterprise.sector, DEFAULT_FATE)
    monitored = enterprise.size == "large" or rng.random() < 0.4
    series = {}
    for year in YEARS:
        cut = (1 - CUT_PER_YEAR) ** max(0, year - 1996)
        growth = (1 + GROWTH_PER_YEAR) ** (year - 1995)
        noise = {key: rng.uniform(0.93, 1.07) for key in level}
        amounts = {
            "WASTEWATER": level["WASTEWATER"] * cut * noise["WASTEWATER"],
            "COD": level["COD"] * cut * noise["COD"],
            "WASTEGAS": level["WASTEGAS"] * noise["WASTEGAS"] * growth**0.5,
            "SO2": level["SO2"] * cut * noise["SO2"],
            "SOOT": level["PARTICLES"] * soot_share * cut * noise["PARTICLES"],
            "DUST": level["PARTICLES"] * (1 - soot_share) * cut * noise["PARTICLES"],
            "ENERGY": level["ENERGY"] * noise["ENERGY"] * growth**0.6,
        }
        amounts["FRESHWATER"] = amounts["WASTEWATER"] * fresh_ratio * rng.uniform(0.97, 1.03)
        if "NH3N" in level:
            amounts["NH3N"] = level["NH3N"] * cut * noise["NH3N"]
        if "NOX" in level:
            amounts["NOX"] = level["NOX"] * noise["NOX"]
        generated = level["SW_GEN"] * noise["SW_GEN"]
        # Utilisation improves a little each year; some waste is always stored.
        utilised = generated * min(1 - disposed - 0.06, used + 0.015 * (year - 1995))
        dumped = generated * disposed
        amounts.update(
            SW_GEN=generated,
            SW_UTIL=utilised,
            SW_DISP=dumped,
            SW_STORE=max(0.0, generated - utilised - dumped),
        )
        bases = {}
        for code in amounts:
            if code in ("SO2", "COD", "WASTEWATER") and monitored and year >= 1998:
                bases[code] = Basis.MEASURED_CONTINUOUS
            elif code in ("SO2", "COD", "NH3N", "NOX", "SOOT", "DUST", "WASTEWATER"):
                bases[code] = Basis.MEASURED_SAMPLING if monitored else Basis.ESTIMATED
            else:
                bases[code] = Basis.CALCULATED
        series[year] = {
            "output": Decimal(round(level["OUTPUT"] * growth * rng.uniform(0.97, 1.03))),
            "amounts": amounts,
            "bases": bases,
        }
    return series


def _status(index: int, year: int, kind: str, number: int) -> str:
    if year < 2001:
        return ReportStatus.VERIFIED
    if kind != PeriodKind.YEAR:
        return ReportStatus.SUBMITTED if number < 4 else ReportStatus.DRAFT
    return [
        ReportStatus.VERIFIED,
        ReportStatus.SUBMITTED,
        ReportStatus.SUBMITTED,
        ReportStatus.DRAFT,
        ReportStatus.SUBMITTED,
    ][index % 5]


def _when(year: int, month: int, day: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, 10, 0))


def load(stdout) -> None:
    pollutants = {p.code: p for p in Pollutant.objects.all()}
    users = get_user_model().objects
    epb, epb2 = users.filter(username="epb").first(), users.filter(username="epb2").first()
    enterprises = list(Enterprise.objects.filter(code__startswith="DEMO-").order_by("code"))
    existing = set(
        DischargeReport.objects.filter(enterprise__in=enterprises).values_list(
            "enterprise_id", "year", "period_kind", "period_number"
        )
    )
    reports: list[DischargeReport] = []
    planned: list[tuple[DischargeReport, dict, dict]] = []
    for index, enterprise in enumerate(enterprises):
        # Separation of duties: one member of the EPB enters and submits an enterprise's
        # reports, the other verifies them; each has reports waiting for them to verify.
        clerk, verifier = (epb2, epb) if index % 3 else (epb, epb2)
        series = _annual_series(enterprise)
        periods = [(year, PeriodKind.YEAR, 0) for year in YEARS]
        if enterprise.code in QUARTERLY:
            periods += [(y, PeriodKind.QUARTER, q) for y in QUARTERLY_YEARS for q in range(1, 5)]
        for year, kind, number in periods:
            if (enterprise.pk, year, kind, number) in existing:
                continue
            key = (enterprise.code, year, kind, number)
            annual = series[year]
            share = 1.0 if kind == PeriodKind.YEAR else (0.22, 0.24, 0.26, 0.28)[number - 1]
            amounts = {code: value * share for code, value in annual["amounts"].items()}
            for code, factor in ANOMALIES.get(key, {}).items():
                amounts[code] *= factor
            if key in OMITTED:
                amounts.pop(OMITTED[key], None)
            status = _status(index, year, kind, number)
            if (key in ANOMALIES or key in OMITTED) and year == 2001:
                status = ReportStatus.SUBMITTED  # flagged, waiting for the EPB
            if key == ("DEMO-0031", 2001, "Y", 0):
                status = ReportStatus.RETURNED
            report = DischargeReport(
                enterprise=enterprise,
                year=year,
                period_kind=kind,
                period_number=number,
                status=status,
                output_10k_yuan=_round(float(annual["output"]) * share),
                created_by=clerk,
                updated_by=clerk,
                entered_by=clerk,
            )
            report._history_user = clerk
            # Reports reach the EPB in the month after their period ends (a year's in February).
            month = 14 if kind == PeriodKind.YEAR else number * 3 + 1
            submitted_year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
            if status != ReportStatus.DRAFT:
                report.submitted_at = _when(submitted_year, month, 15)
                report.submitted_by = clerk
            if status == ReportStatus.VERIFIED:
                report.verified_at = _when(submitted_year, month, 28)
                report.verified_by = report.updated_by = verifier
            if status == ReportStatus.RETURNED:
                report.returned_at = _when(2002, 3, 5)  # before the demo date (benxi_cp/clock.py)
                report.returned_by = report.updated_by = verifier
                report.return_reason = RETURN_REASON
            reports.append(report)
            planned.append((report, amounts, annual["bases"], clerk))
    if reports:
        with transaction.atomic(), guards.suspended():  # generated data: verified as created
            _write(reports, planned, enterprises, pollutants, epb)
    all_ids = list(
        DischargeReport.objects.filter(enterprise__in=enterprises).values_list("pk", flat=True)
    )
    refresh_reports(all_ids)
    ledger.refresh(ledger.report_pairs(all_ids))
    stdout.write(
        f"Discharge reports: {len(reports)} created, {len(all_ids)} for the demo enterprises."
    )


def _write(reports, planned, enterprises, pollutants, epb) -> None:
    """The reports, then their values (of verified reports too: below the lock)."""
    bulk_create_with_history(reports, DischargeReport, batch_size=500, default_user=epb)
    # Not every database hands back the new keys from a bulk insert: look them up.
    ids = {
        (r.enterprise_id, r.year, r.period_kind, r.period_number): r.pk
        for r in DischargeReport.objects.filter(enterprise__in=enterprises)
    }
    values = []
    for report, amounts, bases, clerk in planned:
        report_id = ids[
            (report.enterprise_id, report.year, report.period_kind, report.period_number)
        ]
        for code, amount in amounts.items():
            value = DischargeValue(
                report_id=report_id,
                pollutant=pollutants[code],
                amount=_round(amount),
                basis=bases.get(code, Basis.ESTIMATED),
            )
            value._history_user = clerk  # the history says who entered it
            values.append(value)
    bulk_create_with_history(values, DischargeValue, batch_size=1000, default_user=epb)
