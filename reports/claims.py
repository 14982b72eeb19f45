"""Claimed versus measured: what the implemented options say they cut each year, beside
what the verified discharge reports show changed.

For an enterprise and a pollutant that its implemented options reduce:

- baseline: its annual discharge in the year before its first audit started (the same
  baseline as the programme summary's rates; reports/discharge.py says what counts);
- latest: its annual discharge in the latest year after the baseline year, up to the chosen
  year, that has one;
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
from django.db.models import Min, Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from audits.choices import OptionStatus
from audits.models import Audit, OptionReduction
from benxi_cp import datacache
from enterprises.models import Enterprise, Pollutant
from reports.discharge import annual_discharge
from reports.summary import percent

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


def is_large(difference: Decimal | None, claimed: Decimal, baseline: Decimal | None) -> bool:
    """More than LARGE_GAP_PCT % of the claim and more than MATERIAL_PCT % of the baseline."""
    if difference is None or baseline is None:
        return False
    gap = abs(difference) * 100
    return gap > LARGE_GAP_PCT * claimed and gap > MATERIAL_PCT * baseline


@datacache.figure("claims", depends=("register", "audits", "discharge"))
def comparisons(year: int, enterprise_id: int | None = None) -> list[Comparison]:
    """Each (enterprise, pollutant) pair with a claimed reduction by the end of `year`,
    sorted by enterprise code and pollutant, in five queries."""
    reductions = OptionReduction.objects.filter(
        option__status=OptionStatus.IMPLEMENTED,
        option__implemented_on__year__lte=year,
        amount_per_year__gt=0,
    )
    if enterprise_id:
        reductions = reductions.filter(option__audit__enterprise_id=enterprise_id)
    # 1. Claims per enterprise, pollutant and year of implementation.
    claimed_in: dict[tuple[int, int], dict[int, Decimal]] = defaultdict(dict)
    for row in (
        reductions.annotate(year=ExtractYear("option__implemented_on"))
        .values("option__audit__enterprise_id", "pollutant_id", "year")
        .annotate(total=Sum("amount_per_year"))
        .order_by()
    ):
        pair = (row["option__audit__enterprise_id"], row["pollutant_id"])
        claimed_in[pair][row["year"]] = row["total"]
    if not claimed_in:
        return []
    enterprise_ids = {pk for pk, _pollutant in claimed_in}
    pollutant_ids = {pollutant for _pk, pollutant in claimed_in}
    # 2. First audits; 3. verified annual discharge; 4. enterprises; 5. pollutants.
    baseline_year = {
        row["enterprise_id"]: row["first"].year - 1
        for row in Audit.objects.filter(enterprise_id__in=enterprise_ids)
        .values("enterprise_id")
        .annotate(first=Min("started_on"))
        .order_by()
    }
    discharge = annual_discharge(
        years=range(min(baseline_year.values()), year + 1),
        enterprise_ids=enterprise_ids,
        pollutant_ids=pollutant_ids,
    )
    enterprises = Enterprise.objects.in_bulk(enterprise_ids)
    pollutants = Pollutant.objects.in_bulk(pollutant_ids)

    result = []
    for (pk, pollutant_id), by_year in claimed_in.items():
        base_year = baseline_year[pk]
        baseline = discharge.get((pk, base_year, pollutant_id))
        later = [y for y in range(base_year + 1, year + 1) if (pk, y, pollutant_id) in discharge]
        latest_year = max(later) if later else None
        horizon = latest_year or year
        claimed = sum((amount for y, amount in by_year.items() if y <= horizon), start=Decimal("0"))
        reason = ""
        if baseline is None:
            reason = NO_BASELINE
        elif latest_year is None:
            reason = NO_LATER_YEAR
        result.append(
            Comparison(
                enterprise=enterprises[pk],
                pollutant=pollutants[pollutant_id],
                baseline_year=base_year,
                baseline=baseline,
                latest_year=latest_year,
                latest=discharge.get((pk, latest_year, pollutant_id)) if latest_year else None,
                claimed=claimed,
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
