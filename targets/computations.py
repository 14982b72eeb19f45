"""Indicators whose actual values come from the records: plain functions, registered as
`Computation`s in `registry.computations`.

Each computation takes a year and returns the value for that year, or None when the records
hold nothing to compute it from (None never becomes a stored zero). An indicator names its
computation in `Indicator.computation`; `recompute(year)` stores the results as computed
actual values and never overwrites a value somebody entered.

Discharge figures are the ledger's (enterprises/ledger.py: the annual report, else four
verified quarters, else twelve verified months): a city total is the sum of the verified
figures, and only once the year is complete (`ledger.city_total`), so that a
half-verified year never reads as a fall; the reports pages show the same totals. The
programme counts follow audits/programme.py and docs/formats/programme-summary.md (an
enterprise is in the programme in a year when one of its audits started on or before 31
December of that year), as the programme summary does.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from audits import programme
from benxi_cp.registry import registry
from enterprises import ledger
from enterprises.models import AnnualDischarge, Pollutant
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


def register(name: str, label, unit: str = ""):
    """Decorator: `function(year)` as a Computation under `name`, in `registry.computations`
    (this module is imported by the app's ready(), which fills the registry so); a name
    taken already is refused (AlreadyRegistered, a ValueError)."""

    def decorate(function: Callable[[int], Decimal | None]):
        registry.computations.register(
            Computation(name=name, label=label, function=function, unit=unit)
        )
        return function

    return decorate


def get(name: str) -> Computation | None:
    return registry.computations.get(name)


def choices() -> list[tuple[str, str]]:
    """(name, label) of every computation, for forms."""
    return [(c.name, c.label) for c in registry.computations]


def _quantize(value: Decimal, places: str) -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def discharge_total(pollutant_code: str, year: int) -> Decimal | None:
    """The city's total of one pollutant in `year` from the ledger, or None while the year
    is not complete or nobody reports the pollutant."""
    pollutant = Pollutant.objects.filter(code=pollutant_code).first()
    if pollutant is None:
        return None
    total = ledger.city_total(pollutant.pk, year)
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
    """Solid waste utilised / generated × 100, two decimals, over the ledger's verified
    figures of `year` of the enterprises that report the waste generated (without it there
    is no rate); None while the year is not complete."""
    if not ledger.year_complete(year):
        return None
    figures = AnnualDischarge.objects.filter(year=year, verified=True)
    generating = figures.filter(pollutant__code="SW_GEN").values("enterprise_id")
    totals = figures.filter(enterprise_id__in=generating).aggregate(
        generated=Sum("amount", filter=Q(pollutant__code="SW_GEN")),
        utilised=Sum("amount", filter=Q(pollutant__code="SW_UTIL")),
    )
    generated = totals["generated"]
    if not generated:
        return None
    return _quantize((totals["utilised"] or Decimal(0)) / generated * 100, "0.01")


@register(
    "enterprises_in_programme",
    _("Enterprises in the CP programme (an audit started by 31 December)"),
    "",
)
def enterprises_in_programme(year: int) -> Decimal | None:
    """How many enterprises had at least one audit started on or before 31 December of
    `year`; None while the register is empty."""
    counts = programme.register(programme.as_of(year))
    if not counts.enterprises:
        return None
    return Decimal(counts.in_programme)


@register(
    "state_large_medium_coverage",
    _("Coverage of state large and medium enterprises by the CP programme"),
    "%",
)
def state_large_medium_coverage(year: int) -> Decimal | None:
    """State large/medium enterprises in the programme / all of them × 100, one decimal
    (coverage_pct of the programme summary); None when the register has none."""
    return programme.register(programme.as_of(year)).coverage_pct


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
