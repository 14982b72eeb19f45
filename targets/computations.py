"""Indicators whose actual values come from the records: a registry of plain functions.

Each computation takes a year and returns the value for that year, or None when the records
hold nothing to compute it from (None never becomes a stored zero). An indicator names its
computation in `Indicator.computation`; `recompute(year)` stores the results as computed
actual values and never overwrites a value somebody entered.

Discharge figures come from verified annual reports only (period kind "Y", status
"verified"): a city total is the sum over those reports, and only once the year is complete,
that is, once every annual report filed for it is verified. A half-verified year would sum
a part of the city and read as a fall in discharge. The programme counts follow
docs/formats/programme-summary.md: an enterprise is in the programme in a year when one
of its audits started on or before 31 December of that year.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from enterprises.choices import PeriodKind, ReportStatus
from enterprises.models import DischargeReport, DischargeValue, Enterprise
from targets.choices import ValueSource


@dataclass(frozen=True)
class Computation:
    name: str
    label: str
    function: Callable[[int], Decimal | None]
    unit: str = ""  # the unit of the result, to compare with the indicator's own
    do_not_call_in_templates = True  # a template shows the computation; it must not run it

    def __call__(self, year: int) -> Decimal | None:
        return self.function(year)


REGISTRY: dict[str, Computation] = {}


def register(name: str, label, unit: str = ""):
    """Decorator: add `function(year)` to the registry under `name`."""

    def decorate(function: Callable[[int], Decimal | None]):
        if name in REGISTRY:
            raise ValueError(f"computation {name!r} is registered twice")
        REGISTRY[name] = Computation(name=name, label=label, function=function, unit=unit)
        return function

    return decorate


def get(name: str) -> Computation | None:
    return REGISTRY.get(name)


def choices() -> list[tuple[str, str]]:
    """(name, label) of every computation, for forms."""
    return [(c.name, c.label) for c in REGISTRY.values()]


def _quantize(value: Decimal, places: str) -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _verified_annual_values(year: int):
    return DischargeValue.objects.filter(
        report__status=ReportStatus.VERIFIED,
        report__period_kind=PeriodKind.YEAR,
        report__year=year,
    )


def year_complete(year: int) -> bool:
    """Whether every annual report filed for `year` is verified (and there is one)."""
    statuses = set(
        DischargeReport.objects.filter(year=year, period_kind=PeriodKind.YEAR)
        .values_list("status", flat=True)
        .distinct()
    )
    return statuses == {ReportStatus.VERIFIED}


def discharge_total(pollutant_code: str, year: int) -> Decimal | None:
    """The city's total of one pollutant in `year`: the sum over verified annual reports,
    or None while the year is not complete."""
    if not year_complete(year):
        return None
    total = (
        _verified_annual_values(year)
        .filter(pollutant__code=pollutant_code)
        .aggregate(total=Sum("amount"))["total"]
    )
    return None if total is None else _quantize(total, "0.0001")


# (pollutant code, label, unit): one computation each, named discharge_total_<code>.
DISCHARGE_TOTALS = [
    ("COD", _("Total COD discharged (verified annual reports)"), "t"),
    ("NH3N", _("Total ammonia nitrogen discharged (verified annual reports)"), "t"),
    ("SO2", _("Total SO2 discharged (verified annual reports)"), "t"),
    ("NOX", _("Total nitrogen oxides discharged (verified annual reports)"), "t"),
    ("SOOT", _("Total soot discharged (verified annual reports)"), "t"),
    ("DUST", _("Total industrial dust discharged (verified annual reports)"), "t"),
    ("WASTEWATER", _("Total industrial waste water discharged (verified annual reports)"), "10k t"),
    ("WASTEGAS", _("Total industrial waste gas discharged (verified annual reports)"), "10k Nm3"),
    ("SW_GEN", _("Total industrial solid waste generated (verified annual reports)"), "t"),
]


def _register_discharge_total(code: str, label, unit: str) -> None:
    def total(year: int) -> Decimal | None:
        return discharge_total(code, year)

    total.__name__ = f"discharge_total_{code.lower()}"
    register(total.__name__, label, unit)(total)


for _code, _label, _unit in DISCHARGE_TOTALS:
    _register_discharge_total(_code, _label, _unit)


@register(
    "solid_waste_utilisation_rate",
    _("Industrial solid waste utilisation rate (verified annual reports)"),
    "%",
)
def solid_waste_utilisation_rate(year: int) -> Decimal | None:
    """Solid waste utilised / generated × 100, two decimals, over the verified annual reports
    of `year` that report the waste generated (a report without it cannot give a rate);
    None while the year is not complete."""
    if not year_complete(year):
        return None
    reports_with_generation = DischargeValue.objects.filter(pollutant__code="SW_GEN").values(
        "report_id"
    )
    totals = (
        _verified_annual_values(year)
        .filter(report_id__in=reports_with_generation)
        .aggregate(
            generated=Sum("amount", filter=Q(pollutant__code="SW_GEN")),
            utilised=Sum("amount", filter=Q(pollutant__code="SW_UTIL")),
        )
    )
    generated = totals["generated"]
    if not generated:
        return None
    return _quantize((totals["utilised"] or Decimal(0)) / generated * 100, "0.01")


def _in_programme_by(year: int) -> Q:
    return Q(audits__started_on__lte=date(year, 12, 31))


@register(
    "enterprises_in_programme",
    _("Enterprises in the CP programme (an audit started by 31 December)"),
    "",
)
def enterprises_in_programme(year: int) -> Decimal | None:
    """How many enterprises had at least one audit started on or before 31 December of
    `year`; None while the register is empty."""
    counts = Enterprise.objects.aggregate(
        register=Count("pk", distinct=True),
        in_programme=Count("pk", filter=_in_programme_by(year), distinct=True),
    )
    if not counts["register"]:
        return None
    return Decimal(counts["in_programme"])


@register(
    "state_large_medium_coverage",
    _("Coverage of state large and medium enterprises by the CP programme"),
    "%",
)
def state_large_medium_coverage(year: int) -> Decimal | None:
    """State large/medium enterprises in the programme / all of them × 100, one decimal
    (coverage_pct of the programme summary); None when the register has none."""
    counts = Enterprise.objects.filter(state_large_medium=True).aggregate(
        total=Count("pk", distinct=True),
        in_programme=Count("pk", filter=_in_programme_by(year), distinct=True),
    )
    if not counts["total"]:
        return None
    return _quantize(Decimal(counts["in_programme"]) / counts["total"] * 100, "0.1")


@dataclass
class RecomputeSummary:
    """What `recompute` did, by indicator code."""

    year: int
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # computed before; the records are gone
    kept_entered: list[str] = field(default_factory=list)  # an entered value stands
    no_data: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # names a computation that does not exist

    @property
    def changed(self) -> int:
        return len(self.created) + len(self.updated) + len(self.removed)

    def __str__(self) -> str:
        parts = [
            f"created {len(self.created)}",
            f"updated {len(self.updated)}",
            f"unchanged {len(self.unchanged)}",
            f"removed {len(self.removed)}",
            f"kept entered {len(self.kept_entered)}",
            f"no data {len(self.no_data)}",
        ]
        if self.unknown:
            parts.append(f"unknown computation: {', '.join(self.unknown)}")
        return f"{self.year}: " + ", ".join(parts)


def recompute(year: int, user=None) -> RecomputeSummary:
    """Store every computed indicator's value for `year` as a computed actual value.

    An entered value for that year is never overwritten; a computed value whose records are
    gone (the computation now gives None) is removed, so that no figure outlives its records.
    """
    from targets.models import Actual, Indicator

    summary = RecomputeSummary(year=year)
    indicators = Indicator.objects.exclude(computation="").order_by("code")
    existing = {
        a.indicator_id: a
        for a in Actual.objects.filter(year=year, indicator__in=indicators.values("pk"))
    }
    results: dict[str, Decimal | None] = {}
    with transaction.atomic():
        for indicator in indicators:
            computation = get(indicator.computation)
            if computation is None:
                summary.unknown.append(indicator.code)
                continue
            if computation.name not in results:
                results[computation.name] = computation(year)
            value = results[computation.name]
            actual = existing.get(indicator.pk)
            if actual is not None and actual.source == ValueSource.ENTERED:
                summary.kept_entered.append(indicator.code)
            elif value is None:
                if actual is not None:
                    actual.delete()
                    summary.removed.append(indicator.code)
                else:
                    summary.no_data.append(indicator.code)
            elif actual is None:
                actual = Actual(
                    indicator=indicator, year=year, value=value, source=ValueSource.COMPUTED
                )
                actual.stamp(user)
                actual.save()
                summary.created.append(indicator.code)
            elif actual.value != value:
                actual.value = value
                actual.stamp(user)
                actual.save()
                summary.updated.append(indicator.code)
            else:
                summary.unchanged.append(indicator.code)
    return summary
