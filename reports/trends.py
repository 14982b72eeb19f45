"""Series over the years for the charts: plain lists of numbers from the records."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear

from audits.choices import OptionStatus
from audits.models import Audit, Option
from benxi_cp import datacache
from enterprises.models import Pollutant
from reports.discharge import annual_discharge


@datacache.figure("discharge-by-year", depends=("register", "discharge"))
def discharge_by_year(
    pollutant: Pollutant,
    up_to: int,
    enterprise_id: int | None = None,
    sector: str | None = None,
) -> list[tuple[int, Decimal, int]]:
    """[(year, total annual discharge, enterprises reporting)] of the city, one enterprise or
    one sector, from verified reports, for every year up to `up_to` that has any."""
    values = annual_discharge(
        pollutant_ids=[pollutant.pk],
        enterprise_ids=[enterprise_id] if enterprise_id else None,
        sector=sector,
    )
    totals: dict[int, Decimal] = defaultdict(Decimal)
    counts: dict[int, int] = defaultdict(int)
    for (_enterprise, year, _pollutant), amount in values.items():
        if year <= up_to:
            totals[year] += amount
            counts[year] += 1
    return [(year, totals[year], counts[year]) for year in sorted(totals)]


def investment_by_year(up_to: int) -> list[tuple[int, Decimal, Decimal, int]]:
    """[(year, investment, annual benefit, options)] of the options implemented in each year
    up to `up_to` (10k yuan)."""
    rows = (
        Option.objects.filter(status=OptionStatus.IMPLEMENTED, implemented_on__year__lte=up_to)
        .annotate(year=ExtractYear("implemented_on"))
        .values("year")
        .annotate(
            investment=Sum("investment_10k_yuan"),
            benefit=Sum("annual_benefit_10k_yuan"),
            count=Count("pk"),
        )
        .order_by("year")
    )
    return [
        (
            row["year"],
            row["investment"] or Decimal("0"),
            row["benefit"] or Decimal("0"),
            row["count"],
        )
        for row in rows
    ]


def audit_start_years(enterprise_id: int) -> list[int]:
    """The years the enterprise's audits started (marked on its discharge chart)."""
    return sorted(
        {
            d.year
            for d in Audit.objects.filter(enterprise_id=enterprise_id).values_list(
                "started_on", flat=True
            )
        }
    )
