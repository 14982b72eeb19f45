"""The programme's rules about who is in it and what counts as of a day: the one home of
them, used by the targets' computations and by every report (programme summary,
dashboards, annual forms, the lists behind a figure).

The rules follow docs/formats/programme-summary.md, as of a day (31 December of a year for
the annual figures). Each is written once here, as a query expression (a `Q` or an SQL
expression for annotations), and the forms' filters, the dashboards, the annual forms,
closing a year and the landing page's queues use it; none restates it:

- In the programme: an enterprise with at least one audit whose ``started_on`` is on or
  before the day.
- State large/medium coverage: those of the register's state large/medium enterprises
  (flagged today: the register keeps no history of the flag) that are in the programme,
  as a share of all of them, one decimal, half up.
- Accepted by a body: an audit whose acceptance passed, by that body, on or before the day.
- Demonstration: an audit flagged ``demonstration`` and named on or before the day
  (``demonstration_on``, else ``accepted_on``).
- Steps done by the day: an audit assessed by then has done all eight; otherwise, when its
  steps carry completion dates, the steps completed by then count; an audit whose steps
  carry no dates counts the steps recorded on the audit (``steps_completed``).
- Options retained: kept at screening (``RETAINED_STATUSES``) in an audit started by the
  day; implemented: ``implemented`` with ``implemented_on`` on or before the day.
- Investment and annual benefit of an implemented option: its actual figure, else (none
  recorded) its estimate; the options counted at the estimate are counted too
  (``at_estimate_q``), so that a report can say so.
- Baseline year of an enterprise: the calendar year before its first audit started (its
  earliest audit of all); its baseline discharge is the ledger's verified figure of that
  year (enterprises/ledger.py).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, ExtractYear

from audits.choices import RETAINED_STATUSES, OptionStatus, StepStatus, Verdict
from audits.models import STEP_COUNT, Audit, AuditStep
from enterprises.models import Enterprise

ONE_DECIMAL = Decimal("0.1")
TWO_DECIMALS = Decimal("0.01")


def as_of(year: int) -> datetime.date:
    """The day the figures of `year` are taken: 31 December."""
    return datetime.date(year, 12, 31)


def round_half_up(value: Decimal | None, places: Decimal) -> Decimal | None:
    if value is None:
        return None
    return Decimal(value).quantize(places, rounding=ROUND_HALF_UP)


def percent(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """part / whole × 100 to one decimal, half up; None when the whole is zero."""
    if not whole:
        return None
    return round_half_up(Decimal(part) * 100 / Decimal(whole), ONE_DECIMAL)


def in_programme_q(day: datetime.date, prefix: str = "") -> Q:
    """Audits in the programme on `day` (started on or before it); with a prefix, records
    reached through one ("audit__" for options, "audits__" for enterprises)."""
    return Q(**{f"{prefix}started_on__lte": day})


def accepted_q(day: datetime.date | None, body: str | None = None) -> Q:
    """Audits whose acceptance passed on or before `day` (by `body`, when given); with no
    day, whose acceptance passed (the enterprise's CP status as it stands)."""
    q = Q(acceptance=Verdict.PASS)
    if day is not None:
        q &= Q(accepted_on__lte=day)
    if body:
        q &= Q(accepted_by=body)
    return q


def demonstration_q(day: datetime.date | None) -> Q:
    """Audits whose enterprise had been named a demonstration enterprise by `day`: named on
    ``demonstration_on``, else (no date recorded) on ``accepted_on``, the earliest day it can
    have been one; with no day, every audit flagged so."""
    if day is None:
        return Q(demonstration=True)
    return Q(demonstration=True) & (
        Q(demonstration_on__lte=day) | Q(demonstration_on__isnull=True, accepted_on__lte=day)
    )


def _steps():
    """The steps of the outer query's audit, for the subqueries below."""
    return AuditStep.objects.filter(audit_id=OuterRef("pk")).order_by().values("audit_id")


def steps_done(day: datetime.date) -> Case:
    """SQL, over audits: the steps an audit had done by `day` (0 to 8). All eight once it was
    assessed by then; else, when its steps carry completion dates, those completed by then;
    else the steps recorded on the audit."""
    done = (
        _steps()
        .annotate(n=Count("pk", filter=Q(status=StepStatus.COMPLETED, completed_on__lte=day)))
        .values("n")
    )
    dated = _steps().filter(completed_on__isnull=False)
    return Case(
        When(assessed_on__lte=day, then=Value(STEP_COUNT)),
        When(Exists(dated), then=Coalesce(Subquery(done), Value(0))),
        default=F("steps_completed"),
        output_field=IntegerField(),
    )


def eight_steps_done_on() -> Case:
    """SQL, over audits not yet assessed: the first day by whose end the audit was in the
    programme with its eight steps done, that is the first day on which `in_programme_q` holds
    and `steps_done` counts eight; NULL when its steps' dates never make eight (the same rule
    read the other way: tests/audits/test_programme_rules.py holds them together)."""
    last = Subquery(
        _steps()
        .filter(status=StepStatus.COMPLETED, completed_on__isnull=False)
        .annotate(n=Count("pk"), last=Max("completed_on"))
        .filter(n=STEP_COUNT)
        .values("last")
    )
    dated = _steps().filter(completed_on__isnull=False)
    return Case(
        When(
            Exists(dated),
            then=Case(When(started_on__gte=last, then=F("started_on")), default=last),
        ),
        When(steps_completed=STEP_COUNT, then=F("started_on")),
        default=Value(None),
        output_field=DateField(),
    )


def retained_q(day: datetime.date) -> Q:
    """Options kept at screening, in audits started by `day`."""
    return Q(status__in=RETAINED_STATUSES) & in_programme_q(day, "audit__")


def implemented_q(day: datetime.date, prefix: str = "") -> Q:
    """Options (or, with a prefix such as "option__", their reductions) implemented by `day`."""
    return Q(**{f"{prefix}status": OptionStatus.IMPLEMENTED, f"{prefix}implemented_on__lte": day})


def counted_investment(prefix: str = "") -> Coalesce:
    """SQL: the investment an implemented option counts with: the actual, else the estimate."""
    return Coalesce(f"{prefix}actual_investment_10k_yuan", f"{prefix}investment_10k_yuan")


def counted_benefit(prefix: str = "") -> Coalesce:
    """SQL: the annual benefit counted: the actual, else the estimate."""
    return Coalesce(f"{prefix}actual_annual_benefit_10k_yuan", f"{prefix}annual_benefit_10k_yuan")


def at_estimate_q(prefix: str = "") -> Q:
    """Options counted (in part) at their estimate: an actual figure is missing."""
    return Q(**{f"{prefix}actual_investment_10k_yuan__isnull": True}) | Q(
        **{f"{prefix}actual_annual_benefit_10k_yuan__isnull": True}
    )


@dataclass(frozen=True)
class Register:
    """The register as of a day: its size, who is in the programme, state large/medium."""

    enterprises: int
    in_programme: int
    state_large_medium_total: int
    state_large_medium_in_programme: int

    @property
    def coverage_pct(self) -> Decimal | None:
        """State large/medium enterprises in the programme / all of them × 100."""
        return percent(self.state_large_medium_in_programme, self.state_large_medium_total)


def register(day: datetime.date) -> Register:
    """The register's counts as of `day`, in one query."""
    started = in_programme_q(day, "audits__")
    slm = Q(state_large_medium=True)
    counts = Enterprise.objects.aggregate(
        enterprises=Count("pk", distinct=True),
        in_programme=Count("pk", filter=started, distinct=True),
        slm_total=Count("pk", filter=slm, distinct=True),
        slm_in=Count("pk", filter=started & slm, distinct=True),
    )
    return Register(
        enterprises=counts["enterprises"],
        in_programme=counts["in_programme"],
        state_large_medium_total=counts["slm_total"],
        state_large_medium_in_programme=counts["slm_in"],
    )


def baseline_year(enterprise: str):
    """SQL: the baseline year (the year before the first audit started) of the enterprise
    whose id is the outer query's field `enterprise`, for annotations."""
    # An integer, so that comparing it with a year column can use that column's index
    # (PostgreSQL's EXTRACT gives a numeric). Worked out inside the subquery, so that the
    # annotation is a Subquery: an aggregate query then groups by its outer reference (the
    # enterprise) rather than by the whole expression, evaluated for each input row.
    return Subquery(
        Audit.objects.filter(enterprise_id=OuterRef(enterprise))
        .order_by()
        .values("enterprise_id")
        .annotate(baseline_year=Cast(ExtractYear(Min("started_on")) - 1, IntegerField()))
        .values("baseline_year")
    )
