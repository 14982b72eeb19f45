"""Claimed versus measured: what the implemented options say they cut each year, beside
what the verified discharge reports show changed.

For an enterprise and a pollutant that its implemented options reduce:

- baseline: its annual discharge in the year before its first audit started (the same
  baseline as the programme summary's rates): the ledger's verified figure
  (enterprises/ledger.py says what counts);
- latest: its verified annual discharge in the latest year after the baseline year, up to
  the chosen year, that has one;
- measured reduction: baseline − latest (a rise shows as a negative reduction);
- claimed reduction: the annual reductions of its options implemented on or before
  31 December of that latest year (an option implemented later cannot show in it yet);
- the difference (measured − claimed) is large when it exceeds LARGE_GAP_PCT % of the
  claim, either way (a claim the reports do not bear out, or a change the options do not
  explain), and is material: more than MATERIAL_PCT % of the baseline, so that the ordinary
  ups and downs of a big discharge beside a small claim are not called out. Where either
  year is missing the pair is listed, with the reason, but not compared.

The city line per pollutant adds up the comparable enterprises only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Case, F, Max, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext_lazy as _

from audits.choices import OptionStatus
from audits.models import OptionReduction
from audits.programme import baseline_year, percent
from benxi_cp import datacache
from enterprises import ledger
from enterprises.models import AnnualDischarge, Enterprise, Pollutant

LARGE_GAP_PCT = Decimal("30")
MATERIAL_PCT = Decimal("5")
NO_BASELINE = _("no verified discharge in the year before the first audit")
NO_LATER_YEAR = _("no verified discharge after the baseline year")


@dataclass(frozen=True)
class Comparison:
    enterprise: Enterprise
    pollutant: Pollutant
    baseline_year: int
    baseline: Decimal | None
    latest_year: int | None
    latest: Decimal | None
    claimed: Decimal  # by options implemented by the end of the latest year (or the year)
    reason: str = ""

    @property
    def comparable(self) -> bool:
        return self.baseline is not None and self.latest is not None

    @property
    def measured(self) -> Decimal | None:
        return self.baseline - self.latest if self.comparable else None

    @property
    def difference(self) -> Decimal | None:
        return self.measured - self.claimed if self.comparable else None

    @property
    def gap_pct(self) -> Decimal | None:
        return percent(self.difference, self.claimed) if self.comparable else None

    @property
    def large(self) -> bool:
        return is_large(self.difference, self.claimed, self.baseline)

    @property
    def gap_of_baseline_pct(self) -> Decimal | None:
        return percent(abs(self.difference), self.baseline) if self.comparable else None


@dataclass(frozen=True)
class CityComparison:
    pollutant: Pollutant
    enterprises: int  # comparable enterprises
    not_comparable: int
    claimed: Decimal
    measured: Decimal
    baseline: Decimal

    @property
    def difference(self) -> Decimal:
        return self.measured - self.claimed

    @property
    def gap_pct(self) -> Decimal | None:
        return percent(self.difference, self.claimed)

    @property
    def large(self) -> bool:
        return self.enterprises > 0 and is_large(self.difference, self.claimed, self.baseline)

    @property
    def measured_pct(self) -> Decimal | None:
        """The measured reduction as a share of the same enterprises' baseline."""
        return percent(self.measured, self.baseline) if self.enterprises else None


def is_large(difference: Decimal | None, claimed: Decimal, baseline: Decimal | None) -> bool:
    """More than LARGE_GAP_PCT % of the claim and more than MATERIAL_PCT % of the baseline."""
    if difference is None or baseline is None:
        return False
    gap = abs(difference) * 100
    return gap > LARGE_GAP_PCT * claimed and gap > MATERIAL_PCT * baseline


def pairs_query(year: int, enterprise_id: int | None = None):
    """The comparisons of `year` as one SQL query over the options' reductions and the
    ledger: one row per enterprise and pollutant with a claim by the end of `year`, with
    its baseline year and figure, its latest year and figure, and the claim that can show
    in that latest year (the options implemented by its end).

    The rows are grouped by enterprise and pollutant only; the per-pair figures are
    subqueries whose only outer references are those two grouped columns (or aggregates),
    so that the database works them out once per pair, not once per reduction, and does
    not sort by them."""
    claims = OptionReduction.objects.filter(
        option__status=OptionStatus.IMPLEMENTED,
        option__implemented_on__year__lte=year,
        amount_per_year__gt=0,
    )
    if enterprise_id:
        claims = claims.filter(option__audit__enterprise_id=enterprise_id)
    figures = AnnualDischarge.objects.filter(
        enterprise_id=OuterRef("e"), pollutant_id=OuterRef("p")
    ).order_by()

    # The latest verified figure after the baseline year, up to `year`: its year and amount.
    latest_figure = figures.filter(
        year__gt=OuterRef("baseline_year"), year__lte=year, verified=True
    ).order_by("-year")
    latest_year = latest_figure.values("year")[:1]
    # The claim that can show in the latest year: the pair's reductions of the options
    # implemented by its end (by the end of `year` when there is no later figure). When
    # none of the pair's options was implemented after that year (the usual case), that is
    # all of its reductions, summed in the aggregate; otherwise a subquery sums them.
    horizon = Coalesce(OuterRef("latest_year"), Value(year))
    claimed_by_horizon = (
        claims.filter(
            option__audit__enterprise_id=OuterRef("e"),
            pollutant_id=OuterRef("p"),
            option__implemented_on__year__lte=horizon,
        )
        .order_by()
        .values("pollutant_id")
        .annotate(claimed=Sum("amount_per_year"))
        .values("claimed")
    )
    return (
        claims.values(e=F("option__audit__enterprise_id"), p=F("pollutant_id"))
        .alias(
            all_claimed=Sum("amount_per_year"),
            last_implemented=Max(ExtractYear("option__implemented_on")),
        )
        .alias(baseline_year=baseline_year("e"), latest_year=Subquery(latest_year))
        .annotate(
            claimed=Case(
                # The usual case first: PostgreSQL then seldom works out the second.
                When(
                    Q(last_implemented__lte=F("latest_year")) | Q(latest_year__isnull=True),
                    then=F("all_claimed"),
                ),
                default=Subquery(claimed_by_horizon),
            )
        )
        .annotate(
            baseline_year=F("baseline_year"),
            latest_year=F("latest_year"),
            baseline=ledger.verified_amount("e", "baseline_year", "p"),
            latest=Subquery(latest_figure.values("amount")[:1]),
        )
        .order_by()
    )


@datacache.figure("claims", depends=("register", "audits", "discharge"))
def comparisons(year: int, enterprise_id: int | None = None) -> list[Comparison]:
    """Each (enterprise, pollutant) pair with a claimed reduction by the end of `year`,
    sorted by enterprise code and pollutant, in three queries: the pairs with their
    figures (`pairs_query`), their enterprises, their pollutants."""
    rows = list(pairs_query(year, enterprise_id))
    if not rows:
        return []
    enterprises = Enterprise.objects.in_bulk({row["e"] for row in rows})
    pollutants = Pollutant.objects.in_bulk({row["p"] for row in rows})
    result = []
    for row in rows:
        reason = ""
        if row["baseline"] is None:
            reason = NO_BASELINE
        elif row["latest_year"] is None:
            reason = NO_LATER_YEAR
        result.append(
            Comparison(
                enterprise=enterprises[row["e"]],
                pollutant=pollutants[row["p"]],
                baseline_year=row["baseline_year"],
                baseline=row["baseline"],
                latest_year=row["latest_year"],
                latest=row["latest"],
                claimed=row["claimed"] or Decimal("0"),
                reason=str(reason) if reason else "",
            )
        )
    result.sort(key=lambda c: (c.enterprise.code, c.pollutant.position, c.pollutant.code))
    return result


PAGE_SIZE = 50


@datacache.figure("claims-page", depends=("register", "audits", "discharge"))
def page(year: int, pollutant_code: str = "", number: str | None = None) -> dict:
    """One page of the comparisons of `year` (of one pollutant, when given) with the city
    totals over all of them: at province scale there are thousands of pairs."""
    pairs = comparisons(year)
    if pollutant_code:
        pairs = [p for p in pairs if p.pollutant.code == pollutant_code]
    shown = Paginator(pairs, PAGE_SIZE).get_page(number)
    return {
        "pairs": list(shown.object_list),
        "pairs_count": len(pairs),
        "page_number": shown.number,
        "num_pages": shown.paginator.num_pages,
        "previous_page": shown.previous_page_number() if shown.has_previous() else None,
        "next_page": shown.next_page_number() if shown.has_next() else None,
        "city": city_totals(pairs),
    }


def city_measured(year: int, pollutants: dict[int, Pollutant]) -> dict[int, CityComparison]:
    """The city totals of `year` per pollutant id, in one query (`pairs_query`), for a page
    that has the pollutants already (the leading team's dashboard)."""
    grouped: dict[int, list[dict]] = defaultdict(list)
    for row in pairs_query(year):
        if row["p"] in pollutants:
            grouped[row["p"]].append(row)
    totals = {}
    for pollutant_id, rows in grouped.items():
        comparable = [r for r in rows if r["baseline"] is not None and r["latest"] is not None]
        totals[pollutant_id] = CityComparison(
            pollutant=pollutants[pollutant_id],
            enterprises=len(comparable),
            not_comparable=len(rows) - len(comparable),
            claimed=sum((r["claimed"] or Decimal("0") for r in comparable), start=Decimal("0")),
            measured=sum((r["baseline"] - r["latest"] for r in comparable), start=Decimal("0")),
            baseline=sum((r["baseline"] for r in comparable), start=Decimal("0")),
        )
    return totals


def city_totals(pairs: list[Comparison]) -> list[CityComparison]:
    """Per pollutant, the sums over the comparable enterprises."""
    grouped: dict[int, list[Comparison]] = defaultdict(list)
    for pair in pairs:
        grouped[pair.pollutant.pk].append(pair)
    totals = []
    for group in grouped.values():
        comparable = [c for c in group if c.comparable]
        totals.append(
            CityComparison(
                pollutant=group[0].pollutant,
                enterprises=len(comparable),
                not_comparable=len(group) - len(comparable),
                claimed=sum((c.claimed for c in comparable), start=Decimal("0")),
                measured=sum((c.measured for c in comparable), start=Decimal("0")),
                baseline=sum((c.baseline for c in comparable), start=Decimal("0")),
            )
        )
    totals.sort(key=lambda t: (t.pollutant.position, t.pollutant.code))
    return totals
