"""An independent reading of the programme's rule from the raw reports, for the tests only:
the ledger (enterprises/ledger.py) must hold the same verified figures. (This was the
reports' own implementation before the ledger; it is kept as the oracle.)

An enterprise's discharge of a pollutant in a year is its verified annual report's value;
when it has no verified annual report for the year, the sum of four verified quarterly
reports, else of twelve verified monthly ones (programme-summary.md: "the annual report, or
the sum of its quarterly or monthly reports when no annual one exists"). A partial set of
quarters or months is not an annual figure. Draft, submitted and returned reports are not yet
official figures and never count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum

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
    """{(enterprise id, year, pollutant id): annual discharge} from verified reports, in two
    queries. Each argument narrows the result; `pairs` keeps only those (enterprise id, year).

    1. The values of verified annual reports (a twelfth of the values at monthly scale).
    2. For enterprise-years without a verified annual report only, the quarterly and monthly
       values summed per period kind in SQL, with the number of reports behind each sum."""
    reports = Q(report__status=ReportStatus.VERIFIED)
    if years is not None:
        reports &= Q(report__year__in=list(years))
    if enterprise_ids is not None:
        reports &= Q(report__enterprise_id__in=list(enterprise_ids))
    if sector:
        reports &= Q(report__enterprise__sector=sector)
    if pairs is not None:  # (enterprise, year) pairs, in SQL: one condition per year
        by_year: dict[int, list[int]] = defaultdict(list)
        for enterprise, year in pairs:
            by_year[year].append(enterprise)
        chosen = Q(pk__in=[])
        for year, enterprises in sorted(by_year.items()):
            chosen |= Q(report__year=year, report__enterprise_id__in=sorted(enterprises))
        reports &= chosen
    values = DischargeValue.objects.filter(reports)
    if pollutant_ids is not None:
        values = values.filter(pollutant_id__in=list(pollutant_ids))
    fields = ("report__enterprise_id", "report__year", "pollutant_id")

    result: dict[Key, Decimal] = {}
    annual_values = values.filter(report__period_kind=PeriodKind.YEAR).order_by()
    for enterprise, year, pollutant, amount in annual_values.values_list(*fields, "amount"):
        result[(enterprise, year, pollutant)] = amount

    annual = DischargeReport.objects.filter(
        enterprise_id=OuterRef("report__enterprise_id"),
        year=OuterRef("report__year"),
        period_kind=PeriodKind.YEAR,
        status=ReportStatus.VERIFIED,
    )
    periodic = (
        values.filter(report__period_kind__in=list(PERIODS_IN_YEAR))
        .exclude(Exists(annual))
        .values(*fields, "report__period_kind")
        .annotate(total=Sum("amount"), periods=Count("pk"))  # one value per report
        .order_by()
    )
    by_kind: dict[Key, dict[str, Decimal]] = defaultdict(dict)
    for row in periodic:
        key = (row["report__enterprise_id"], row["report__year"], row["pollutant_id"])
        kind = row["report__period_kind"]
        if row["periods"] == PERIODS_IN_YEAR[kind]:
            by_kind[key][kind] = row["total"]
    for key, kinds in by_kind.items():
        result[key] = next(kinds[kind] for kind in PREFERENCE if kind in kinds)
    return result
