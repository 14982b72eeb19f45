"""The programme summary (docs/formats/programme-summary.md) computed from the raw records.

Everything is "as of 31 December of the year": a record counts when the date that makes it
true falls on or before that day. The rules, decided once here and tested in
tests/reports/test_summary.py:

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
- Investment and annual benefit: the sums over implemented options; an empty amount is 0.
- Reduction of a pollutant: the sum of ``OptionReduction.amount_per_year`` of implemented
  options; a pollutant appears when that sum is above zero.
- Reduction rate: for each enterprise with such a reduction, its baseline is its annual
  discharge of the pollutant in the calendar year before its first audit started (its
  earliest audit of all). Only verified reports count: a draft, submitted or returned
  report is not yet an official figure. The annual report is used; without one, the sum of
  four quarterly reports, else of twelve monthly ones; a partial set of quarters or months
  is not an annual figure and gives no baseline. Enterprises without a baseline are left
  out of both the numerator and the denominator, and counted (``without_baseline``). The
  rate is empty when no enterprise has a baseline or the baselines total zero.
- Rounding: half up; percentages to one decimal, amounts and the ratio to two.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Min, Q, Sum
from django.utils.translation import gettext_lazy as _

from audits.choices import RETAINED_STATUSES, AcceptingBody, FeeClass, OptionStatus, Verdict
from audits.models import Audit, Option, OptionReduction
from benxi_cp import datacache
from enterprises.models import Enterprise, Pollutant
from reports.discharge import annual_discharge

ZERO = Decimal("0")
ONE_DECIMAL = Decimal("0.1")
TWO_DECIMALS = Decimal("0.01")


def as_of(year: int) -> datetime.date:
    """The day the summary of `year` is taken: 31 December."""
    return datetime.date(year, 12, 31)


def round_half_up(value: Decimal | None, places: Decimal) -> Decimal | None:
    if value is None:
        return None
    return Decimal(value).quantize(places, rounding=ROUND_HALF_UP)


def percent(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """part / whole × 100 to one decimal; None when the whole is zero."""
    if not whole:
        return None
    return round_half_up(Decimal(part) * 100 / Decimal(whole), ONE_DECIMAL)


# Query helpers shared with the dashboards and forms, so every page counts the same way.


def in_programme_q(day: datetime.date, prefix: str = "") -> Q:
    """Audits (or, with prefix "audits__", enterprises) in the programme on `day`."""
    return Q(**{f"{prefix}started_on__lte": day})


def accepted_q(day: datetime.date, body: str | None = None) -> Q:
    """Audits whose acceptance passed on or before `day` (by `body`, when given)."""
    q = Q(acceptance=Verdict.PASS, accepted_on__lte=day)
    if body:
        q &= Q(accepted_by=body)
    return q


def demonstration_q(day: datetime.date) -> Q:
    """Audits whose enterprise had been named a demonstration enterprise by `day`."""
    return Q(demonstration=True) & (
        Q(demonstration_on__lte=day) | Q(demonstration_on__isnull=True, accepted_on__lte=day)
    )


def retained_q(day: datetime.date) -> Q:
    """Options kept at screening, in audits started by `day`."""
    return Q(status__in=RETAINED_STATUSES, audit__started_on__lte=day)


def implemented_q(day: datetime.date, prefix: str = "") -> Q:
    """Options (or, with a prefix such as "option__", their reductions) implemented by `day`."""
    return Q(**{f"{prefix}status": OptionStatus.IMPLEMENTED, f"{prefix}implemented_on__lte": day})


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


@datacache.figure("programme-summary", depends=("register", "audits", "discharge"))
def programme_summary(year: int) -> ProgrammeSummary:
    """The programme summary of `year` from the raw records, in a fixed number of queries."""
    day = as_of(year)

    # 1. Register: enterprises in the programme, the state large/medium base and its share.
    started = Q(audits__started_on__lte=day)
    register = Enterprise.objects.aggregate(
        in_programme=Count("pk", filter=started, distinct=True),
        slm_total=Count("pk", filter=Q(state_large_medium=True), distinct=True),
        slm_in=Count("pk", filter=started & Q(state_large_medium=True), distinct=True),
    )

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
        investment=Sum("investment_10k_yuan", filter=implemented),
        benefit=Sum("annual_benefit_10k_yuan", filter=implemented),
    )

    return ProgrammeSummary(
        year=year,
        enterprises_in_programme=register["in_programme"],
        state_large_medium_total=register["slm_total"],
        state_large_medium_in_programme=register["slm_in"],
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
    )


def claimed_reductions(day: datetime.date) -> dict[tuple[int, int], Decimal]:
    """{(enterprise id, pollutant id): annual reduction claimed by options implemented by day}."""
    rows = (
        OptionReduction.objects.filter(implemented_q(day, "option__"))
        .values("option__audit__enterprise_id", "pollutant_id")
        .annotate(total=Sum("amount_per_year"))
        .filter(total__gt=0)
    )
    return {(r["option__audit__enterprise_id"], r["pollutant_id"]): r["total"] for r in rows}


def baseline_years(enterprise_ids) -> dict[int, int]:
    """{enterprise id: the calendar year before its first audit started}."""
    firsts = (
        Audit.objects.filter(enterprise_id__in=enterprise_ids)
        .values("enterprise_id")
        .annotate(first=Min("started_on"))
    )
    return {row["enterprise_id"]: row["first"].year - 1 for row in firsts}


def reductions(day: datetime.date) -> list[Reduction]:
    """Per pollutant: the claimed annual reduction and its rate against the baseline."""
    claimed = claimed_reductions(day)
    if not claimed:
        return []
    enterprise_ids = {pk for pk, _pollutant in claimed}
    pollutant_ids = {pollutant for _pk, pollutant in claimed}
    years = baseline_years(enterprise_ids)
    baselines = annual_discharge(
        years=set(years.values()),
        enterprise_ids=enterprise_ids,
        pollutant_ids=pollutant_ids,
        pairs={(pk, year) for pk, year in years.items()},
    )
    result = []
    for pollutant in Pollutant.objects.filter(pk__in=pollutant_ids):
        amount = with_baseline = baseline = ZERO
        count, missing = 0, []
        for (pk, pollutant_id), reduced in sorted(claimed.items()):
            if pollutant_id != pollutant.pk:
                continue
            amount += reduced
            count += 1
            base = baselines.get((pk, years[pk], pollutant.pk))
            if base is None:
                missing.append(pk)
            else:
                with_baseline += reduced
                baseline += base
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
