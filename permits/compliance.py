"""Compliance with the permits in a year: the rules of docs/formats/compliance-summary.md
("compliance"), in one place, computed in SQL and read by the compliance page, its files and
the enterprise page.

Concentration rows, one per enterprise, outlet, pollutant and basis with a limit in force
during the year: the year's values (samples), those above the limit of the same basis in
force on their day (exceedances; a value equal to the limit complies, a below-detection value
never exceeds), the largest excess in percent, the months with an exceedance, the chronic
and serious flags over six consecutive calendar months of the year, and the required
monitoring slots with no value (missing). Each value's limit is found in the database (the
limit of its outlet, pollutant and basis in the enterprise's permit in force on its day, by a
join), and the values are counted by month there; the twelve months of each series are
combined here.

Annual total rows, one per enterprise and pollutant with a permitted quantity in the year:
the permitted quantity pro rata of the days in force, the verified annual discharge by the
programme's one rule (enterprises/ledger.py), its share and whether it exceeds.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, ExtractMonth

from benxi_cp import datacache
from enterprises import ledger
from permits.choices import Frequency, LimitBasis
from permits.models import Limit, MonitoringValue

# The factor of the serious flag, for every pollutant a new installation starts with.
SERIOUS_FACTOR = Decimal("1.4")
CHRONIC_MONTHS = 4  # months with an exceedance in six consecutive months: chronic
SERIOUS_MONTHS = 2  # months at or above the factor in six consecutive months: serious
WINDOW = 6
GRACE_DAYS = 15  # in the current year a slot counts once it ended at least this long ago

HEADER = [
    "enterprise_code",
    "outlet",
    "pollutant",
    "basis",
    "samples",
    "exceedances",
    "max_exceedance_pct",
    "months_exceeded",
    "chronic",
    "serious",
    "missing",
    "permitted_t",
    "actual_t",
    "share_pct",
    "exceeded",
]

RATIO = DecimalField(max_digits=30, decimal_places=10)


@dataclass
class Series:
    """One concentration row: an outlet's pollutant on one basis, in a year."""

    enterprise_id: int
    enterprise_code: str
    outlet: str
    pollutant_id: int
    pollutant: str
    basis: str
    samples: int = 0
    exceedances: int = 0
    max_exceedance_pct: Decimal | None = None
    exceeded_months: set[int] = field(default_factory=set)
    serious_months: set[int] = field(default_factory=set)
    missing: int = 0

    @property
    def months_exceeded(self) -> int:
        return len(self.exceeded_months)

    @property
    def chronic(self) -> bool:
        return in_some_window(self.exceeded_months, CHRONIC_MONTHS)

    @property
    def serious(self) -> bool:
        return in_some_window(self.serious_months, SERIOUS_MONTHS)


@dataclass
class Quantity:
    """One annual total row: an enterprise's permitted quantity of a pollutant in a year."""

    enterprise_id: int
    enterprise_code: str
    pollutant_id: int
    pollutant: str
    permitted_t: Decimal = Decimal(0)
    actual_t: Decimal | None = None

    @property
    def share_pct(self) -> Decimal | None:
        if self.actual_t is None or not self.permitted_t:
            return None
        return self.actual_t / self.permitted_t * 100

    @property
    def exceeded(self) -> bool | None:
        return None if self.actual_t is None else self.actual_t > self.permitted_t


def in_some_window(months: set[int], least: int) -> bool:
    """Whether some six consecutive calendar months of the year (January–June … July–
    December) hold at least `least` of `months`."""
    return any(
        len([m for m in months if start <= m < start + WINDOW]) >= least
        for start in range(1, 12 - WINDOW + 2)
    )


def _with_limit_of_the_day(values):
    """`values` joined to the limit of their outlet, pollutant and basis in the enterprise's
    permit in force on their day (at most one permit is in force on a day: permits/issuing.py
    refuses another), as `limit`; a value with no such limit is left out. One join, not a
    subquery per value and use: at province scale (3.65 million values) seconds, not
    minutes. The conditions go in one filter() so that they bind one permit and one limit,
    and the annotation reuses those joins."""
    permit = "enterprise__permits__"
    return values.filter(
        **{
            f"{permit}valid_from__lte": F("measured_on"),
            f"{permit}valid_to__gte": F("measured_on"),
            f"{permit}limits__outlet__code": F("outlet"),
            f"{permit}limits__pollutant": F("pollutant"),
            f"{permit}limits__basis": F("basis"),
        }
    ).annotate(limit=F(f"{permit}limits__value"))


def _cutoff(year: int, today: datetime.date) -> datetime.date:
    """The last day whose slots count: the year's end, or in the current year the day
    GRACE_DAYS before today."""
    return min(datetime.date(year, 12, 31), today - datetime.timedelta(days=GRACE_DAYS))


def concentration_rows(
    year: int, today: datetime.date | None = None, enterprise_id: int | None = None
) -> list[Series]:
    """The year's concentration rows (of one enterprise, with `enterprise_id`), ordered by
    enterprise code, outlet, pollutant, basis."""
    today = today or datetime.date.today()
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    limits = (
        Limit.objects.filter(
            outlet__isnull=False, permit__valid_from__lte=last, permit__valid_to__gte=first
        )
        .values_list(
            "permit__enterprise_id",
            "permit__enterprise__code",
            "outlet__code",
            "pollutant_id",
            "pollutant__code",
            "basis",
            "monitoring",
            "permit__valid_from",
            "permit__valid_to",
        )
        .order_by()
    )
    values = MonitoringValue.objects.filter(measured_on__year=year)
    if enterprise_id is not None:
        limits = limits.filter(permit__enterprise_id=enterprise_id)
        values = values.filter(enterprise_id=enterprise_id)
    series: dict[tuple, Series] = {}
    requirements: list[tuple] = []
    for (
        enterprise,
        code,
        outlet,
        pollutant,
        pollutant_code,
        basis,
        monitoring,
        start,
        end,
    ) in limits:
        key = (enterprise, outlet, pollutant, basis)
        if key not in series:
            series[key] = Series(enterprise, code, outlet, pollutant, pollutant_code, basis)
        if monitoring:
            requirements.append((key, monitoring, max(start, first), min(end, last)))
    _count_values(series, values)
    _count_missing(series, requirements, values, _cutoff(year, today))
    return sorted(
        series.values(), key=lambda s: (s.enterprise_code, s.outlet, s.pollutant, s.basis)
    )


def _count_values(series: dict[tuple, Series], values) -> None:
    """Samples, exceedances, the largest excess, and the exceeded and serious months, from
    one query grouped by series and month."""
    limit = F("limit")
    counted = Q(below_detection=False, value__gt=limit)
    # SQLite keeps a whole decimal as an integer, and divides integers as integers.
    measured = F("value")
    if connection.vendor == "sqlite":
        measured = Cast("value", FloatField())
    values = (
        _with_limit_of_the_day(values)
        .annotate(
            month=ExtractMonth("measured_on"),
            excess=ExpressionWrapper((measured - limit) * 100 / limit, output_field=RATIO),
            measured=Case(When(below_detection=False, then=F("value")), output_field=RATIO),
            serious_value=Case(
                When(
                    below_detection=False,
                    value__gte=ExpressionWrapper(limit * Value(SERIOUS_FACTOR), output_field=RATIO),
                    then=F("value"),
                ),
                output_field=RATIO,
            ),
        )
        .values("enterprise_id", "outlet", "pollutant_id", "basis", "month")
        .annotate(
            samples=Count("pk"),
            exceedances=Count("pk", filter=counted),
            max_excess=Max("excess", filter=counted),
            highest=Max("measured"),
            highest_serious=Max("serious_value"),
        )
        .order_by()
    )
    for row in values:
        key = (row["enterprise_id"], row["outlet"], row["pollutant_id"], row["basis"])
        found = series.get(key)
        if found is None:
            continue
        found.samples += row["samples"]
        found.exceedances += row["exceedances"]
        if row["exceedances"]:
            found.exceeded_months.add(row["month"])
            excess = Decimal(row["max_excess"])
            if found.max_exceedance_pct is None or excess > found.max_exceedance_pct:
                found.max_exceedance_pct = excess
        # A month is serious when its highest value is itself at or above the factor × its
        # day's limit.
        if row["highest_serious"] is not None and row["highest_serious"] == row["highest"]:
            found.serious_months.add(row["month"])


def _slots(monitoring: str, start: datetime.date, end: datetime.date, cutoff: datetime.date):
    """The required slots of a permit's days in force (start–end, within the year) as
    (month, slot key, days in the slot counted), each counted when the permit is in force on
    its first day and it ended by `cutoff`."""
    year = start.year
    if monitoring in (Frequency.DAILY, Frequency.CONTINUOUS):
        for month in range(1, 13):
            first = max(start, datetime.date(year, month, 1))
            last = min(end, cutoff, datetime.date(year, month, calendar.monthrange(year, month)[1]))
            if first <= last:
                yield month, ("m", month), (last - first).days + 1
        return
    length = 1 if monitoring == Frequency.MONTHLY else 3
    for month in range(1, 13, length):
        first = datetime.date(year, month, 1)
        end_month = month + length - 1
        last = datetime.date(year, end_month, calendar.monthrange(year, end_month)[1])
        if start <= first <= end and last <= cutoff:
            yield month, ("p", month, length), 1


def _count_missing(series: dict[tuple, Series], requirements: list, values, cutoff) -> None:
    """The required slots with no value of the outlet and pollutant (any basis), on the row
    that carries the requirement. Daily slots are counted by month: the days required less
    the days with a value; monthly and quarterly slots by whether the slot has a value."""
    if not requirements:
        return
    days = defaultdict(int)  # (enterprise, outlet, pollutant, month) → days with a value
    measured = (
        values.filter(measured_on__lte=cutoff)
        .annotate(month=ExtractMonth("measured_on"))
        .values("enterprise_id", "outlet", "pollutant_id", "month")
        .annotate(days=Count("measured_on", distinct=True))
        .order_by()
    )
    for row in measured:
        days[(row["enterprise_id"], row["outlet"], row["pollutant_id"], row["month"])] = row["days"]
    for key, monitoring, start, end in requirements:
        enterprise, outlet, pollutant, _basis = key
        for month, slot, required in _slots(monitoring, start, end, cutoff):
            if slot[0] == "m":
                have = days[(enterprise, outlet, pollutant, month)]
                series[key].missing += max(required - have, 0)
            else:
                months = range(month, month + slot[2])
                if not any(days[(enterprise, outlet, pollutant, m)] for m in months):
                    series[key].missing += 1


def quantity_rows(year: int, enterprise_id: int | None = None) -> list[Quantity]:
    """The year's annual total rows (of one enterprise, with `enterprise_id`), ordered by
    enterprise code and pollutant."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    days_in_year = Decimal((last - first).days + 1)
    limits = (
        Limit.objects.filter(
            basis=LimitBasis.ANNUAL_TOTAL,
            permit__valid_from__lte=last,
            permit__valid_to__gte=first,
        )
        .values_list(
            "permit__enterprise_id",
            "permit__enterprise__code",
            "pollutant_id",
            "pollutant__code",
            "value",
            "permit__valid_from",
            "permit__valid_to",
        )
        .order_by()
    )
    if enterprise_id is not None:
        limits = limits.filter(permit__enterprise_id=enterprise_id)
    rows: dict[tuple, Quantity] = {}
    for enterprise, code, pollutant, pollutant_code, value, start, end in limits:
        row = rows.setdefault(
            (enterprise, pollutant), Quantity(enterprise, code, pollutant, pollutant_code)
        )
        in_force = (min(end, last) - max(start, first)).days + 1
        row.permitted_t += value * in_force / days_in_year
    if rows:
        actual = ledger.verified_figures(
            years=[year], enterprise_ids={enterprise for enterprise, _p in rows}
        )
        for (enterprise, pollutant), row in rows.items():
            row.actual_t = actual.get((enterprise, year, pollutant))
    return sorted(rows.values(), key=lambda r: (r.enterprise_code, r.pollutant))


def _fixed(value: Decimal | None, places: int) -> str:
    if value is None:
        return ""
    return str(Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _yes(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def csv_rows(year: int, today: datetime.date | None = None) -> list[list[str]]:
    """The `compliance` CSV form's rows (HEADER), every figure written as the format says."""
    return csv_lines(concentration_rows(year, today), quantity_rows(year))


def csv_lines(concentration: list[Series], quantities: list[Quantity]) -> list[list[str]]:
    """The CSV rows of a year's concentration and annual total rows: each enterprise's
    concentration rows, then its annual totals, by enterprise code."""
    rows = []
    codes = sorted(
        {s.enterprise_code for s in concentration} | {q.enterprise_code for q in quantities}
    )
    by_code = defaultdict(list)
    for s in concentration:
        by_code[s.enterprise_code].append(
            [
                s.enterprise_code,
                s.outlet,
                s.pollutant,
                s.basis,
                str(s.samples),
                str(s.exceedances),
                _fixed(s.max_exceedance_pct, 1),
                str(s.months_exceeded),
                _yes(s.chronic),
                _yes(s.serious),
                str(s.missing),
                "",
                "",
                "",
                "",
            ]
        )
    for q in quantities:
        by_code[q.enterprise_code].append(
            [
                q.enterprise_code,
                "",
                q.pollutant,
                LimitBasis.ANNUAL_TOTAL,
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                _fixed(q.permitted_t, 2),
                _fixed(q.actual_t, 2),
                _fixed(q.share_pct, 1),
                _yes(q.exceeded),
            ]
        )
    for code in codes:
        rows.extend(by_code[code])
    return rows


# What the dashboards count, and the drill-down list of enterprises filters on.
PERMITTED = "permitted"  # a permit in force during the year
COMPLIANT = "compliant"  # permitted, with no exceedance and no permitted quantity exceeded
EXCEEDANCE = "exceedance"
CHRONIC = "chronic"
SERIOUS = "serious"
MISSING = "missing"
NEAR_PERMITTED = "near_permitted"  # 80 % or more of a permitted quantity, not above it
OVER_PERMITTED = "over_permitted"
WARNING_SHARE_PCT = 80


@datacache.figure("permits-concentration", depends=("register", "permits"))
def city_concentration(year: int, today: datetime.date) -> list[Series]:
    """The city's concentration rows of `year` on `today` (`concentration_rows`): the costly
    part of compliance (every monitoring value of the year, seconds at province scale),
    cached apart from the verified discharge, whose changes it does not read, so that a
    verified report recomputes only the quantities."""
    return concentration_rows(year, today)


@dataclass
class Standing:
    """One enterprise's compliance in a year, summed over its rows: what the dashboards'
    findings and the EPB's queue of violations without a case read."""

    exceedances: int = 0
    missing: int = 0
    chronic: bool = False
    serious: bool = False
    over_quantity: list[str] = field(default_factory=list)  # pollutants above their quantity
    near_quantity: bool = False  # a quantity at or above the warning share, not above it


@datacache.figure("permits-standings", depends=("register", "permits", "discharge"))
def standings(year: int, today: datetime.date | None = None) -> dict[int, Standing]:
    """{enterprise id: its Standing} of every enterprise with a limit or a permitted
    quantity in force in `year`, from the rows of the compliance form; cached until the
    register, the permits and monitoring or the verified discharge change."""
    found: dict[int, Standing] = {}
    for s in city_concentration(year, today or datetime.date.today()):
        standing = found.setdefault(s.enterprise_id, Standing())
        standing.exceedances += s.exceedances
        standing.missing += s.missing
        standing.chronic = standing.chronic or bool(s.chronic)
        standing.serious = standing.serious or bool(s.serious)
    for q in quantity_rows(year):
        standing = found.setdefault(q.enterprise_id, Standing())
        if q.exceeded:
            standing.over_quantity.append(q.pollutant)
        elif q.share_pct is not None and q.share_pct >= WARNING_SHARE_PCT:
            standing.near_quantity = True
    return found


def findings(year: int, today: datetime.date | None = None) -> dict:
    """The enterprises of each finding of the year ({finding: set of enterprise ids}) and
    each enterprise's exceedances ("exceedances": {enterprise id: count}), from the same rows
    as the compliance form (`standings`)."""
    found = standings(year, today)
    over = {pk for pk, s in found.items() if s.over_quantity}
    exceeding = {pk for pk, s in found.items() if s.exceedances}
    return {
        PERMITTED: set(found),
        EXCEEDANCE: exceeding,
        CHRONIC: {pk for pk, s in found.items() if s.chronic},
        SERIOUS: {pk for pk, s in found.items() if s.serious},
        MISSING: {pk for pk, s in found.items() if s.missing},
        NEAR_PERMITTED: {pk for pk, s in found.items() if s.near_quantity},
        OVER_PERMITTED: over,
        COMPLIANT: set(found) - exceeding - over,
        "exceedances": {pk: s.exceedances for pk, s in found.items() if s.exceedances},
    }
