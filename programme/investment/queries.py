"""Environmental investment beyond CP options, summed by year (plain functions, SQL sums).

Only completed projects count as investment made; planned ones are shown apart. The
investment trend (reports/figures.py, chart "investment") sets these sums beside the
investment in implemented CP options.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from programme.investment.choices import InvestmentCategory, InvestmentStatus
from programme.models import EnvironmentalInvestment

ZERO = Decimal("0")
COMPLETED = Q(status=InvestmentStatus.COMPLETED)
TREATMENT = Q(category=InvestmentCategory.TREATMENT)


@dataclass(frozen=True)
class InvestmentYear:
    """One year of environmental investment (10k yuan)."""

    year: int
    treatment: Decimal  # completed, pollution treatment facilities
    other: Decimal  # completed, every other category
    planned: Decimal  # planned projects, whatever their category
    projects: int

    @property
    def completed(self) -> Decimal:
        return self.treatment + self.other


def by_year(
    up_to: int | None = None, enterprise_id: int | None = None, queryset=None
) -> list[InvestmentYear]:
    """Each year with environmental investment, up to `up_to`, of the city or one
    enterprise, oldest first: one query (`queryset` narrows it, e.g. to a user's scope)."""
    rows = EnvironmentalInvestment.objects.all() if queryset is None else queryset
    if up_to is not None:
        rows = rows.filter(year__lte=up_to)
    if enterprise_id is not None:
        rows = rows.filter(enterprise_id=enterprise_id)
    sums = (
        rows.order_by()
        .values("year")
        .annotate(
            treatment=Sum("amount_10k_yuan", filter=COMPLETED & TREATMENT),
            other=Sum("amount_10k_yuan", filter=COMPLETED & ~TREATMENT),
            planned=Sum("amount_10k_yuan", filter=~COMPLETED),
            projects=Count("pk"),
        )
        .order_by("year")
    )
    return [
        InvestmentYear(
            row["year"],
            row["treatment"] or ZERO,
            row["other"] or ZERO,
            row["planned"] or ZERO,
            row["projects"],
        )
        for row in sums
    ]


def completed_by_year(up_to: int) -> dict[int, Decimal]:
    """{year: completed environmental investment of the city} up to `up_to` (10k yuan)."""
    return {row.year: row.completed for row in by_year(up_to) if row.completed}
