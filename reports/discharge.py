"""Annual discharge from the verified reports: the one rule every report, chart and form uses.

An enterprise's discharge of a pollutant in a year is its verified annual report's value;
without one, the sum of four verified quarterly reports, else of twelve verified monthly
ones. A partial set of quarters or months is not an annual figure. Draft, submitted and
returned reports are not yet official figures and never count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Count, Max, Sum

from enterprises.choices import PeriodKind, ReportStatus
from enterprises.models import DischargeReport, DischargeValue

PERIODS_IN_YEAR = {PeriodKind.QUARTER: 4, PeriodKind.MONTH: 12}
PREFERENCE = (PeriodKind.YEAR, PeriodKind.QUARTER, PeriodKind.MONTH)

Key = tuple[int, int, int]  # (enterprise id, year, pollutant id)


def annual_discharge(
    years: Iterable[int] | None = None,
    enterprise_ids: Iterable[int] | None = None,
    pollutant_ids: Iterable[int] | None = None,
    pairs: set[tuple[int, int]] | None = None,
    sector: str | None = None,
) -> dict[Key, Decimal]:
    """{(enterprise id, year, pollutant id): annual discharge} from verified reports, in one
    query. Each argument narrows the result; `pairs` keeps only those (enterprise id, year)."""
    values = DischargeValue.objects.filter(report__status=ReportStatus.VERIFIED)
    if years is not None:
        values = values.filter(report__year__in=list(years))
    if enterprise_ids is not None:
        values = values.filter(report__enterprise_id__in=list(enterprise_ids))
    if pollutant_ids is not None:
        values = values.filter(pollutant_id__in=list(pollutant_ids))
    if sector:
        values = values.filter(report__enterprise__sector=sector)
    rows = (
        values.values(
            "report__enterprise_id", "report__year", "pollutant_id", "report__period_kind"
        )
        .annotate(total=Sum("amount"), periods=Count("report", distinct=True))
        .order_by()
    )
    by_kind: dict[Key, dict[str, Decimal]] = defaultdict(dict)
    for row in rows:
        key = (row["report__enterprise_id"], row["report__year"], row["pollutant_id"])
        if pairs is not None and key[:2] not in pairs:
            continue
        kind = row["report__period_kind"]
        if kind == PeriodKind.YEAR or row["periods"] == PERIODS_IN_YEAR.get(kind):
            by_kind[key][kind] = row["total"]
    return {
        key: next(kinds[kind] for kind in PREFERENCE if kind in kinds)
        for key, kinds in by_kind.items()
    }


def totals_by_year(discharge: dict[Key, Decimal]) -> dict[tuple[int, int], Decimal]:
    """{(year, pollutant id): total over enterprises} of an `annual_discharge` result."""
    totals: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for (_enterprise, year, pollutant), amount in discharge.items():
        totals[(year, pollutant)] += amount
    return dict(totals)


def latest_verified_year(up_to: int | None = None) -> int | None:
    """The latest year with a verified report (up to `up_to`, when given)."""
    reports = DischargeReport.objects.filter(status=ReportStatus.VERIFIED)
    if up_to is not None:
        reports = reports.filter(year__lte=up_to)
    return reports.aggregate(year=Max("year"))["year"]
