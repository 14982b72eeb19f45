"""Series over the years for the charts: plain lists of numbers from the records."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear

from audits.choices import OptionStatus
from audits.models import Audit, Option
from audits.programme import counted_benefit, counted_investment
from benxi_cp import datacache
from enterprises import ledger
from enterprises.models import Pollutant
from programme.investment import queries as investment


@dataclass(frozen=True)
class YearTotal:
    """A year of a discharge trend: the total of the scope once the year is complete."""

    year: int
    total: Decimal | None  # None while the year is not complete
    reporting: int  # enterprises with a verified figure of the pollutant
    pending: int  # enterprises of the scope with a figure still waiting for verification

    @property
    def complete(self) -> bool:
        return self.total is not None


@datacache.figure("discharge-by-year", depends=("register", "discharge"))
def discharge_by_year(
    pollutant: Pollutant,
    up_to: int,
    enterprise_id: int | None = None,
    sector: str | None = None,
) -> list[YearTotal]:
    """Every year up to `up_to` that the ledger holds, of the city, one enterprise or one
    sector, by the ledger's rule (enterprises/ledger.py): a total only for a year whose
    figures are all verified; a year still waiting shows how many enterprises are pending.
    Two queries: the years' states, the verified sums of the pollutant."""
    scope = {"enterprise_ids": [enterprise_id] if enterprise_id else None, "sector": sector}
    states = ledger.year_states(**scope)
    sums = ledger.verified_sums(pollutant.pk, up_to=up_to, **scope)
    result = []
    for year, state in sorted(states.items()):
        if year > up_to:
            continue
        total, reporting = sums.get(year, (None, 0))
        if state.complete and total is None:
            continue  # a complete year in which nobody reports this pollutant
        result.append(YearTotal(year, total if state.complete else None, reporting, state.pending))
    return result


def investment_by_year(up_to: int) -> list[tuple[int, Decimal, Decimal, int]]:
    """[(year, investment, annual benefit, options)] of the options implemented in each year
    up to `up_to` (10k yuan)."""
    rows = (
        Option.objects.filter(status=OptionStatus.IMPLEMENTED, implemented_on__year__lte=up_to)
        .annotate(year=ExtractYear("implemented_on"))
        .values("year")
        .annotate(
            investment=Sum(counted_investment()),
            benefit=Sum(counted_benefit()),
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


def environmental_investment_by_year(up_to: int) -> dict[int, Decimal]:
    """{year: completed environmental investment beyond CP options} up to `up_to` (10k yuan),
    of every enterprise (programme/investment/queries.py)."""
    return investment.completed_by_year(up_to)


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
