"""The demo city's discharge permits and their monitoring, for the compliance and fee forms.

Eight demo enterprises with verified COD and SO2 discharge in 2001 hold a permit in force from
2000 to 2004 (numbered as docs/formats/permits.sample.csv numbers DEMO-0001's): a waste-water
outlet DW001 with a daily-mean COD limit and a waste-gas outlet DA001 with a daily-mean SO2
limit, both monitored daily, and annual permitted quantities of COD and SO2 set against the
enterprise's verified 2001 discharge (one above it, two at more than 80 % of it). Their daily
means run from January 2000 to February 2002 (the demo's today is March 2002), drawn with a
fixed seed, each enterprise after its profile: clean, occasional exceedances, chronic and
serious exceedances (more than four months of six, some at 1.4 × the limit), missing months
of monitoring, and values below detection.

The EPB's enforcement cases (CASES): one still open against the chronic enterprise, its
notice served and its rectification deadline past on the demo's today (overdue), its
violations the 2001 compliance rows of both outlets, one follow-up that found it still
exceeding; and one closed with a penalty against an occasional exceeder's 2000 exceedances.
Written once, by notice number: loaded again, they are left as they are.

Loaded after the register's discharge and the reports' calibration (INSTALLED_APPS order):
the permits are written by the one way a permit is written (permits/issuing.py), unchanged
when loaded again; the monitoring is replaced, the same values every time. The tax of 2001
follows from the verified discharge and the tables of a new installation.
"""

from __future__ import annotations

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from benxi_cp.bulk import insert_rows
from enterprises.models import AnnualDischarge, Enterprise, Pollutant
from permits import issuing
from permits.choices import (
    CaseOutcome,
    CaseStatus,
    FollowUpResult,
    LimitBasis,
    Method,
    ViolationKind,
)
from permits.importers import VALUE_COLUMNS
from permits.models import CaseFollowUp, CaseViolation, EnforcementCase, MonitoringValue

SEED = 2000
COUNT = 8
FIRST, LAST = datetime.date(2000, 1, 1), datetime.date(2004, 12, 31)
MEASURED_FROM, MEASURED_TO = datetime.date(2000, 1, 1), datetime.date(2002, 2, 28)
ISSUER = "本溪市环境保护局"
# outlet, kind, pollutant, the daily-mean limit, its unit
SERIES = [
    ("DW001", "water", "COD", Decimal("100"), "mg/L"),
    ("DA001", "air", "SO2", Decimal("400"), "mg/m3"),
]
# Each enterprise's permitted annual quantity as a multiple of its verified 2001 discharge
# (below 1: exceeded; up to 1.25: above 80 % of it), and its monitoring's profile.
PROFILES = [
    (Decimal("1.5"), "clean"),
    (Decimal("0.9"), "chronic"),
    (Decimal("1.15"), "occasional"),
    (Decimal("2.0"), "gaps"),
    (Decimal("1.2"), "occasional"),
    (Decimal("1.6"), "below_detection"),
    (Decimal("1.3"), "clean"),
    (Decimal("1.05"), "gaps"),
]


D = datetime.date
# The enforcement cases, each against the enterprise of a profile (PROFILES' index): the case's
# fields, the year of the compliance rows it concerns, and its follow-ups (day, result, notes).
CASES = [
    (
        1,  # chronic
        {
            "summary": "废水COD、废气SO2日均浓度连续超标（慢性、严重违规）",
            "opened_on": D(2001, 5, 8),
            "status": CaseStatus.NOTIFIED,
            "notice_number": "本环限改〔2001〕17号",
            "notice_date": D(2001, 5, 14),
            "deadline": D(2001, 10, 31),
            "notes": "责令限期整改：检修脱硫设施，改造废水处理站。",
        },
        2001,
        [(D(2001, 7, 19), FollowUpResult.EXCEEDS, "执法监测：COD、SO2日均值仍超标。")],
    ),
    (
        2,  # occasional
        {
            "summary": "2000年废水COD、废气SO2日均浓度超标",
            "opened_on": D(2001, 1, 10),
            "status": CaseStatus.CLOSED,
            "notice_number": "本环限改〔2001〕3号",
            "notice_date": D(2001, 1, 12),
            "deadline": D(2001, 3, 31),
            "outcome": CaseOutcome.PENALTY,
            "closed_on": D(2001, 4, 20),
            "penalty_yuan": Decimal("50000.00"),
            "decision_number": "本环罚〔2001〕9号",
        },
        2000,
        [(D(2001, 4, 5), FollowUpResult.COMPLIES, "执法监测：达标。")],
    ),
]


def permit_number(code: str) -> str:
    return f"91210500{code.replace('-', '')}001P"


def chosen() -> list[tuple[Enterprise, dict[str, Decimal]]]:
    """The first COUNT demo enterprises by code with a verified 2001 discharge of every
    pollutant of SERIES, with those discharges (two queries)."""
    codes = [code for _o, _k, code, _l, _u in SERIES]
    found: dict[int, dict[str, Decimal]] = {}
    for enterprise, code, amount in AnnualDischarge.objects.filter(
        year=2001,
        verified=True,
        pollutant__code__in=codes,
        enterprise__code__startswith="DEMO-",
    ).values_list("enterprise_id", "pollutant__code", "amount"):
        found.setdefault(enterprise, {})[code] = amount
    complete = [pk for pk, amounts in found.items() if len(amounts) == len(codes)]
    enterprises = Enterprise.objects.filter(pk__in=complete).order_by("code")[:COUNT]
    return [(enterprise, found[enterprise.pk]) for enterprise in enterprises]


def write_permit(enterprise: Enterprise, actual: dict[str, Decimal], ratio: Decimal) -> None:
    pollutants = {p.code: p for p in Pollutant.objects.filter(code__in=actual)}
    limits = [
        issuing.LimitRow(
            row=n,
            outlet=outlet,
            outlet_kind=kind,
            pollutant=pollutants[code],
            basis=LimitBasis.DAILY_MEAN,
            value=limit,
            unit=unit,
            monitoring="daily",
            category="main",
        )
        for n, (outlet, kind, code, limit, unit) in enumerate(SERIES, start=2)
    ]
    for n, (_outlet, _kind, code, _limit, _unit) in enumerate(SERIES, start=2 + len(SERIES)):
        permitted = (actual[code] * ratio).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
        limits.append(
            issuing.LimitRow(
                row=n,
                outlet="",
                outlet_kind="",
                pollutant=pollutants[code],
                basis=LimitBasis.ANNUAL_TOTAL,
                value=max(permitted, Decimal("1")),
                unit="t",
            )
        )
    data = issuing.PermitData(
        number=permit_number(enterprise.code),
        enterprise=enterprise,
        valid_from=FIRST,
        valid_to=LAST,
        issuer=ISSUER,
        limits=limits,
    )
    issuing.write_permit(data, source="demo")


def exceeding_months(profile: str, rng: random.Random) -> dict[tuple[int, int], Decimal]:
    """(year, month) → the factor of the limit the month's worst days reach."""
    if profile == "chronic":
        # Five months of 2001 in a row, two of them at 1.4 × the limit or more: chronic and
        # serious; and one month of 2000.
        months = {(2001, m): Decimal("1.2") for m in range(3, 8)}
        months[(2001, 4)] = months[(2001, 6)] = Decimal("1.6")
        months[(2000, rng.randint(1, 12))] = Decimal("1.15")
        return months
    if profile == "occasional":
        return {(year, rng.randint(1, 12)): Decimal("1.2") for year in (2000, 2001)}
    return {}


def missing_months(profile: str, rng: random.Random) -> set[tuple[int, int]]:
    if profile == "gaps":
        start = rng.randint(5, 9)
        return {(2001, start), (2001, start + 1), (2001, start + 2), (2000, rng.randint(1, 12))}
    return {(2001, rng.randint(1, 12))} if rng.random() < 0.5 else set()


def values_of(enterprise: Enterprise, profile: str, rng: random.Random, pollutants) -> list:
    """The enterprise's daily means as rows of VALUE_COLUMNS (and below_detection, method)."""
    rows = []
    for outlet, _kind, code, limit, _unit in SERIES:
        over = exceeding_months(profile, rng)
        gaps = missing_months(profile, rng)
        day = MEASURED_FROM
        while day <= MEASURED_TO:
            month = (day.year, day.month)
            if month not in gaps:
                share = Decimal(str(round(rng.uniform(0.35, 0.85), 3)))
                below = profile == "below_detection" and day.month in (6, 7, 8) and code == "SO2"
                if month in over and rng.random() < 0.25:
                    share = over[month] + Decimal(str(round(rng.uniform(0, 0.1), 3)))
                value = Decimal("3") if below else (limit * share).quantize(Decimal("0.1"))
                rows.append(
                    (
                        enterprise.pk,
                        outlet,
                        pollutants[code],
                        LimitBasis.DAILY_MEAN,
                        day,
                        None,
                        value,
                        below,
                        Method.AUTOMATIC,
                    )
                )
            day += datetime.timedelta(days=1)
    return rows


def write_cases(picked: list[Enterprise], pollutants: dict[str, int]) -> int:
    """The demo's enforcement cases (CASES), each written once: the number written."""
    written = 0
    existing = set(
        EnforcementCase.objects.filter(
            notice_number__in=[fields["notice_number"] for _i, fields, _y, _f in CASES]
        ).values_list("notice_number", flat=True)
    )
    for index, fields, year, follow_ups in CASES:
        if fields["notice_number"] in existing or index >= len(picked):
            continue
        case = EnforcementCase.objects.create(enterprise=picked[index], **fields)
        # One by one, as the case's page saves them, each with its history.
        for outlet, _kind, code, _limit, _unit in SERIES:
            CaseViolation.objects.create(
                case=case,
                kind=ViolationKind.EXCEEDANCE,
                year=year,
                outlet=outlet,
                pollutant_id=pollutants[code],
            )
        for day, result, notes in follow_ups:
            CaseFollowUp.objects.create(case=case, checked_on=day, result=result, notes=notes)
        written += 1
    return written


def load(stdout) -> None:
    rng = random.Random(SEED)
    picked = chosen()
    pollutants = dict(
        Pollutant.objects.filter(code__in=[s[2] for s in SERIES]).values_list("code", "pk")
    )
    rows = []
    with transaction.atomic():
        for (enterprise, actual), (ratio, profile) in zip(picked, PROFILES, strict=False):
            write_permit(enterprise, actual, ratio)
            rows += values_of(enterprise, profile, rng, pollutants)
        # The monitoring is the demo's own: replaced whole, the same values every time.
        MonitoringValue.objects.filter(
            enterprise__in=[enterprise for enterprise, _a in picked]
        ).delete()
        now = timezone.now()
        insert_rows(
            MonitoringValue,
            VALUE_COLUMNS,
            rows,
            constants={"created": now, "updated": now},
        )
        write_cases([enterprise for enterprise, _a in picked], pollutants)
    stdout.write(
        f"Permits: {len(picked)} demo enterprises hold a permit; {len(rows)} daily monitoring "
        f"values; {len(CASES)} enforcement cases."
    )
