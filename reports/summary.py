"""The programme summary (docs/formats/programme-summary.md) computed from the raw records.

Everything is "as of 31 December of the year": a record counts when the date that makes it
true falls on or before that day. The rules of who is in the programme, coverage,
acceptance, demonstration and options retained or implemented live once in
audits/programme.py (the targets' computations use them too); the annual discharge is the
ledger's (enterprises/ledger.py). Tested in tests/reports/test_summary.py:

- In the programme: an enterprise with at least one audit whose ``started_on`` is on or
  before the day.
- State large/medium total: enterprises of the register flagged ``state_large_medium``
  today. The register keeps no history of the flag or of entry into the register, so the
  base of the coverage rate is the register as it stands.
- Accepted by a body: an enterprise with an audit whose ``acceptance`` is ``pass``, whose
  ``accepted_by`` is that body and whose ``accepted_on`` is on or before the day. Counted
  per body as the format says: an enterprise accepted once by each body (two rounds)
  counts under both; a failed acceptance counts under neither.
- Demonstration: an enterprise with an audit flagged ``demonstration`` and named on or
  before the day: ``demonstration_on`` when it is recorded, else ``accepted_on`` (an
  enterprise cannot be named before its acceptance, so the acceptance date is the earliest
  day it can have been one).
- Options retained: status in ``audits.choices.RETAINED_STATUSES`` (kept at screening:
  selected, feasible, not feasible, implemented). Options carry no screening date, so an
  option counts once its audit started on or before the day. Proposed options (not yet
  screened) and rejected ones (dropped at screening) are never retained.
- Options implemented: status ``implemented`` and ``implemented_on`` on or before the day.
  An option implemented after the day still counts as retained (it was kept at screening),
  not as implemented, and neither its investment nor its benefit nor its reductions count.
- Investment and annual benefit: the sums over implemented options of their actual
  figures; where an option has no actual figure recorded, its estimate is counted, and the
  number of such options is given (``implemented_at_estimate``) so that the summary says so.
  An empty amount is 0.
- Reduction of a pollutant: the sum of ``OptionReduction.amount_per_year`` of implemented
  options; a pollutant appears when that sum is above zero.
- Reduction rate: for each enterprise with such a reduction, its baseline is its annual
  discharge of the pollutant in the calendar year before its first audit started (its
  earliest audit of all): the ledger's verified figure of that year (the annual report,
  else four quarters, else twelve months; a draft, submitted or returned report is not
  yet an official figure). Enterprises without a baseline are left out of both the
  numerator and the denominator, and counted (``without_baseline``). The rate is empty
  when no enterprise has a baseline or the baselines total zero.
- Rounding: half up; percentages to one decimal, amounts and the ratio to two.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audits.choices import AcceptingBody, FeeClass
from audits.models import Audit, Option, OptionReduction
from audits.programme import (
    TWO_DECIMALS,
    accepted_q,
    as_of,
    at_estimate_q,
    baseline_year,
    counted_benefit,
    counted_investment,
    demonstration_q,
    implemented_q,
    percent,
    register,
    retained_q,
    round_half_up,
)
from benxi_cp import datacache
from enterprises import ledger
from enterprises.models import Pollutant

ZERO = Decimal("0")


@dataclass(frozen=True)
class Reduction:
    """The annual reduction of one pollutant by implemented options, and its rate."""

    pollutant: Pollutant
    amount: Decimal  # every enterprise's implemented options
    enterprises: int  # enterprises whose implemented options reduce the pollutant
    amount_with_baseline: Decimal  # the numerator of the rate
    baseline: Decimal | None  # the denominator: those enterprises' pre-audit discharge
    rate_pct: Decimal | None
    without_baseline: tuple[int, ...] = ()  # enterprise ids left out of the rate

    @property
    def key(self) -> str:
        return f"reduction_{self.pollutant.code}"

    @property
    def rate_key(self) -> str:
        return f"reduction_rate_{self.pollutant.code}_pct"


@dataclass(frozen=True)
class ProgrammeSummary:
    """The figures of the programme summary, as of 31 December of `year`."""

    year: int
    enterprises_in_programme: int
    state_large_medium_total: int
    state_large_medium_in_programme: int
    accepted_national_centre: int
    accepted_municipality: int
    demonstration: int
    options_low_no_retained: int
    options_low_no_implemented: int
    options_medium_high_retained: int
    options_medium_high_implemented: int
    investment_10k_yuan: Decimal
    annual_benefit_10k_yuan: Decimal
    reductions: list[Reduction] = field(default_factory=list)
    # Implemented options counted at their estimate (no actual figure recorded).
    implemented_at_estimate: int = 0

    @property
    def day(self) -> datetime.date:
        return as_of(self.year)

    @property
    def coverage_pct(self) -> Decimal | None:
        return percent(self.state_large_medium_in_programme, self.state_large_medium_total)

    @property
    def input_output_ratio(self) -> Decimal | None:
        if not self.investment_10k_yuan:
            return None
        return round_half_up(self.annual_benefit_10k_yuan / self.investment_10k_yuan, TWO_DECIMALS)

    @property
    def without_baseline(self) -> int:
        """Enterprises left out of at least one reduction rate for want of a baseline."""
        return len({pk for reduction in self.reductions for pk in reduction.without_baseline})

    def rows(self) -> list[tuple[str, str]]:
        """(key, value) in the order of programme-summary.md, values as the CSV writes them."""
        rows = [
            ("enterprises_in_programme", self.enterprises_in_programme),
            ("state_large_medium_total", self.state_large_medium_total),
            ("state_large_medium_in_programme", self.state_large_medium_in_programme),
            ("coverage_pct", self.coverage_pct),
            ("accepted_national_centre", self.accepted_national_centre),
            ("accepted_municipality", self.accepted_municipality),
            ("demonstration", self.demonstration),
            ("options_low_no_retained", self.options_low_no_retained),
            ("options_low_no_implemented", self.options_low_no_implemented),
            ("options_medium_high_retained", self.options_medium_high_retained),
            ("options_medium_high_implemented", self.options_medium_high_implemented),
            ("investment_10k_yuan", round_half_up(self.investment_10k_yuan, TWO_DECIMALS)),
            ("annual_benefit_10k_yuan", round_half_up(self.annual_benefit_10k_yuan, TWO_DECIMALS)),
            ("input_output_ratio", self.input_output_ratio),
        ]
        for reduction in self.reductions:
            rows.append((reduction.key, round_half_up(reduction.amount, TWO_DECIMALS)))
            rows.append((reduction.rate_key, reduction.rate_pct))
        return [(key, "" if value is None else str(value)) for key, value in rows]


# Labels of the keys, for the page, the PDF and the XLSX (the CSV keeps the keys).
KEY_LABELS = {
    "enterprises_in_programme": _("Enterprises in the programme"),
    "state_large_medium_total": _("State-owned large and medium enterprises in the register"),
    "state_large_medium_in_programme": _("of which in the programme"),
    "coverage_pct": _("Coverage of state large and medium enterprises (%)"),
    "accepted_national_centre": _("Accepted by the National CP Centre"),
    "accepted_municipality": _("Accepted by the municipality"),
    "demonstration": _("Demonstration enterprises"),
    "options_low_no_retained": _("No/low-fee options retained"),
    "options_low_no_implemented": _("No/low-fee options implemented"),
    "options_medium_high_retained": _("Medium/high-fee options retained"),
    "options_medium_high_implemented": _("Medium/high-fee options implemented"),
    "investment_10k_yuan": _("Investment in implemented options (10k yuan)"),
    "annual_benefit_10k_yuan": _("Annual economic benefit (10k yuan a year)"),
    "input_output_ratio": _("Input:output ratio (benefit ÷ investment)"),
}


def investment_note(at_estimate: int) -> str:
    """Which figures the investment and benefit count: the actual ones, else the estimate."""
    if not at_estimate:
        return str(_("Investment and benefit count the actual figures of implemented options."))
    return ngettext(
        "Investment and benefit count the actual figures of implemented options; "
        "%(count)s option has none recorded and is counted at its estimate.",
        "Investment and benefit count the actual figures of implemented options; "
        "%(count)s options have none recorded and are counted at their estimate.",
        at_estimate,
    ) % {"count": at_estimate}


@datacache.figure("programme-summary", depends=("register", "audits", "discharge"))
def programme_summary(year: int) -> ProgrammeSummary:
    """The programme summary of `year` from the raw records, in a fixed number of queries."""
    day = as_of(year)

    # 1. Register: enterprises in the programme, the state large/medium base and its share.
    counts = register(day)

    # 2. Audits: acceptances per body, demonstration enterprises (distinct enterprises).
    audits = Audit.objects.aggregate(
        national=Count(
            "enterprise", filter=accepted_q(day, AcceptingBody.NATIONAL_CENTRE), distinct=True
        ),
        municipality=Count(
            "enterprise", filter=accepted_q(day, AcceptingBody.MUNICIPALITY), distinct=True
        ),
        demonstration=Count("enterprise", filter=demonstration_q(day), distinct=True),
    )

    # 3. Options: retained and implemented per fee class, investment and benefit.
    implemented = implemented_q(day)
    retained = retained_q(day)
    low, high = Q(fee_class=FeeClass.LOW_NO), Q(fee_class=FeeClass.MEDIUM_HIGH)
    options = Option.objects.aggregate(
        low_retained=Count("pk", filter=retained & low),
        low_implemented=Count("pk", filter=implemented & low),
        high_retained=Count("pk", filter=retained & high),
        high_implemented=Count("pk", filter=implemented & high),
        investment=Sum(counted_investment(), filter=implemented),
        benefit=Sum(counted_benefit(), filter=implemented),
        at_estimate=Count("pk", filter=implemented & at_estimate_q()),
    )

    return ProgrammeSummary(
        year=year,
        enterprises_in_programme=counts.in_programme,
        state_large_medium_total=counts.state_large_medium_total,
        state_large_medium_in_programme=counts.state_large_medium_in_programme,
        accepted_national_centre=audits["national"],
        accepted_municipality=audits["municipality"],
        demonstration=audits["demonstration"],
        options_low_no_retained=options["low_retained"],
        options_low_no_implemented=options["low_implemented"],
        options_medium_high_retained=options["high_retained"],
        options_medium_high_implemented=options["high_implemented"],
        investment_10k_yuan=options["investment"] or ZERO,
        annual_benefit_10k_yuan=options["benefit"] or ZERO,
        reductions=reductions(day),
        implemented_at_estimate=options["at_estimate"],
    )


def claims_with_baselines(day: datetime.date):
    """Per enterprise and pollutant: the annual reduction claimed by its options implemented
    by `day`, beside its baseline from the ledger (None without one), in one query."""
    return (
        OptionReduction.objects.filter(implemented_q(day, "option__"))
        .values(e=F("option__audit__enterprise_id"), p=F("pollutant_id"))
        .annotate(claimed=Sum("amount_per_year"))
        .filter(claimed__gt=0)
        .annotate(baseline_year=baseline_year("e"))
        .annotate(baseline=ledger.verified_amount("e", "baseline_year", "p"))
        .order_by("e", "p")
    )


def reductions(day: datetime.date) -> list[Reduction]:
    """Per pollutant: the claimed annual reduction and its rate against the baseline, in two
    queries (the claims with their baselines; the pollutants); the per-pollutant sums are
    small and added up here."""
    rows = list(claims_with_baselines(day))
    if not rows:
        return []
    result = []
    for pollutant in Pollutant.objects.filter(pk__in={row["p"] for row in rows}):
        amount = with_baseline = baseline = ZERO
        count, missing = 0, []
        for row in rows:
            if row["p"] != pollutant.pk:
                continue
            amount += row["claimed"]
            count += 1
            if row["baseline"] is None:
                missing.append(row["e"])
            else:
                with_baseline += row["claimed"]
                baseline += row["baseline"]
        has_baseline = count > len(missing)
        result.append(
            Reduction(
                pollutant=pollutant,
                amount=amount,
                enterprises=count,
                amount_with_baseline=with_baseline,
                baseline=baseline if has_baseline else None,
                rate_pct=percent(with_baseline, baseline) if has_baseline else None,
                without_baseline=tuple(missing),
            )
        )
    return result
