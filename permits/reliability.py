"""What the discharge reports' reliability checks compare an annual report with from the
permits (enterprises/reliability.py, check_permit): the enterprise's permitted quantity of
each pollutant in the report's year, pro rata of the days each permit is in force (the rule
of the compliance page, permits/compliance.py), and the year's monitoring of each pollutant
at its outlets: the mean of every hourly and daily value, a below-detection value counted as
half its detection limit, and how many there were. Registered in
registry.reliability_sources by the app's ready(); two queries whatever the number of
reports."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Avg, Case, Count, DecimalField, F, Value, When
from django.db.models.functions import ExtractYear

from enterprises.choices import PeriodKind
from enterprises.models import DischargeReport
from enterprises.reliability import BELOW_DETECTION_SHARE, Monitored, PermitFigures, Source
from enterprises.reliability_store import refresh_reports
from permits.choices import ANNUAL_UNIT, LimitBasis
from permits.models import Limit, MonitoringValue

MEDIA = ("water", "air")


def _days_in_force(start: datetime.date, end: datetime.date, year: int) -> int:
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return max((min(end, last) - max(start, first)).days + 1, 0)


def permitted_quantities(enterprise_ids: set[int], years: set[int]) -> dict[tuple, Decimal]:
    """(enterprise id, year, pollutant code) → the permitted t in that year, pro rata."""
    first, last = datetime.date(min(years), 1, 1), datetime.date(max(years), 12, 31)
    limits = (
        Limit.objects.filter(
            basis=LimitBasis.ANNUAL_TOTAL,
            unit=ANNUAL_UNIT,
            permit__enterprise_id__in=enterprise_ids,
            permit__valid_from__lte=last,
            permit__valid_to__gte=first,
        )
        .values_list(
            "permit__enterprise_id",
            "pollutant__code",
            "value",
            "permit__valid_from",
            "permit__valid_to",
        )
        .order_by()
    )
    found: dict[tuple, Decimal] = defaultdict(Decimal)
    for enterprise, code, value, start, end in limits:
        for year in years:
            days = _days_in_force(start, end, year)
            if days:
                length = (datetime.date(year, 12, 31) - datetime.date(year, 1, 1)).days + 1
                found[(enterprise, year, code)] += value * days / length
    return found


def monitored_means(enterprise_ids: set[int], years: set[int]) -> dict[tuple, Monitored]:
    """(enterprise id, year, pollutant code) → the year's monitoring of the pollutant."""
    counted = Case(
        When(below_detection=True, then=F("value") * Value(BELOW_DETECTION_SHARE)),
        default=F("value"),
        output_field=DecimalField(max_digits=14, decimal_places=4),
    )
    rows = (
        MonitoringValue.objects.filter(
            enterprise_id__in=enterprise_ids,
            measured_on__gte=datetime.date(min(years), 1, 1),
            measured_on__lte=datetime.date(max(years), 12, 31),
            pollutant__unit=ANNUAL_UNIT,
            pollutant__medium__in=MEDIA,
        )
        .annotate(year=ExtractYear("measured_on"))
        .values("enterprise_id", "year", "pollutant__code", "pollutant__medium")
        .annotate(mean=Avg(counted), count=Count("pk"))
        .order_by()
    )
    return {
        (row["enterprise_id"], row["year"], row["pollutant__code"]): Monitored(
            row["pollutant__medium"], Decimal(str(row["mean"])), row["count"]
        )
        for row in rows
        if row["year"] in years
    }


def load(annual: list[tuple[int, int, int]]) -> dict[int, PermitFigures]:
    """Each annual report's permitted quantities and monitoring, as (report id, enterprise
    id, year) → PermitFigures; a report of an enterprise with neither gets none."""
    enterprise_ids = {enterprise for _pk, enterprise, _year in annual}
    years = {year for _pk, _enterprise, year in annual}
    permitted = permitted_quantities(enterprise_ids, years)
    monitored = monitored_means(enterprise_ids, years)
    by_report: dict[tuple, PermitFigures] = defaultdict(PermitFigures)
    for (enterprise, year, code), quantity in permitted.items():
        by_report[(enterprise, year)].permitted[code] = quantity
    for (enterprise, year, code), monitoring in monitored.items():
        by_report[(enterprise, year)].monitored[code] = monitoring
    return {
        pk: by_report[(enterprise, year)]
        for pk, enterprise, year in annual
        if (enterprise, year) in by_report
    }


# Registered by the app's ready() (registry.reliability_sources).
SOURCES = (Source("permits", load),)


def refresh_for(enterprise_years: set[tuple[int, int]]) -> None:
    """Recheck the annual reports of these (enterprise id, year): their permits or their
    monitoring changed, and with them what the reports are compared with."""
    if not enterprise_years:
        return
    enterprises = {enterprise for enterprise, _year in enterprise_years}
    years = {year for _enterprise, year in enterprise_years}
    reports = DischargeReport.objects.filter(
        period_kind=PeriodKind.YEAR, enterprise_id__in=enterprises, year__in=years
    ).values_list("pk", "enterprise_id", "year")
    refresh_reports(
        pk for pk, enterprise, year in reports if (enterprise, year) in enterprise_years
    )
