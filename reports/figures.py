"""The catalogue of charts: what each one shows, the records behind it and its parameters.

`chart_svg(name, params)` validates the parameters and returns the SVG cached under the
tokens of the scopes the chart reads (benxi_cp.datacache), or draws it. Views, dashboards and
tests use only this.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import BadRequest, ObjectDoesNotExist
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audits import programme
from audits.choices import Aspect, FeeClass
from benxi_cp import datacache
from benxi_cp.validators import in_range
from enterprises.choices import Sector
from enterprises.models import Enterprise, Pollutant
from reports import charts, trends
from reports.annual import options_by_aspect
from targets.choices import Dimension
from targets.models import plain_decimal
from targets.progress import overview


@dataclass(frozen=True)
class Params:
    year: int
    pollutant: Pollutant | None = None
    enterprise: Enterprise | None = None
    sector: str = ""
    dimension: str = ""

    def key(self) -> dict:
        return {
            "year": self.year,
            "pollutant": self.pollutant.code if self.pollutant else "",
            "enterprise": self.enterprise.pk if self.enterprise else "",
            "sector": self.sector,
            "dimension": self.dimension,
        }


def parse_params(query, default_year: int) -> Params:
    """Chart parameters from a query string: 400 for a malformed value, 404 for a record
    that does not exist."""
    try:
        year = int(query.get("year") or default_year)
    except ValueError:
        raise BadRequest(_("The year must be a four-digit number.")) from None
    if not in_range(year):
        raise BadRequest(_("The year is out of range."))
    pollutant = enterprise = None
    try:
        if query.get("pollutant"):
            pollutant = Pollutant.objects.get(code=query["pollutant"].upper())
        if query.get("enterprise"):
            enterprise = Enterprise.objects.get(pk=int(query["enterprise"]))
    except (ObjectDoesNotExist, ValueError):
        raise Http404(_("No such pollutant or enterprise.")) from None
    sector = query.get("sector", "")
    if sector and sector not in Sector.values:
        raise Http404(_("No such sector."))
    dimension = query.get("dimension", "")
    if dimension and dimension not in Dimension.values:
        raise Http404(_("No such dimension."))
    return Params(
        year=year, pollutant=pollutant, enterprise=enterprise, sector=sector, dimension=dimension
    )


def _pollutant(params: Params) -> Pollutant:
    return params.pollutant or Pollutant.objects.get(code="COD")


def _ylabel(pollutant: Pollutant) -> str:
    return f"{pollutant.display_name} ({pollutant.display_unit})"


def draw_city_discharge(params: Params) -> str:
    pollutant = _pollutant(params)
    series = trends.discharge_by_year(pollutant, params.year)
    return charts.bar_by_year(
        [(row.year, row.total) for row in series],
        pollutant.code,
        _ylabel(pollutant),
        _("No verified reports yet."),
        pending_label=_("not yet complete"),
    )


def draw_discharge(params: Params) -> str:
    pollutant = _pollutant(params)
    enterprise = params.enterprise
    series = trends.discharge_by_year(
        pollutant,
        params.year,
        enterprise_id=enterprise.pk if enterprise else None,
        sector=params.sector or None,
    )
    marks = (
        [y for y in trends.audit_start_years(enterprise.pk) if y <= params.year]
        if enterprise
        else []
    )
    return charts.bar_by_year(
        [(row.year, row.total) for row in series],
        pollutant.code,
        _ylabel(pollutant),
        _("No verified reports yet."),
        marks=marks,
        mark_label=_("CP audit started"),
        pending_label=_("not yet complete"),
    )


def draw_investment(params: Params) -> str:
    """Per year: the investment in CP options implemented that year and their annual benefit,
    beside the enterprises' completed environmental investment beyond CP options."""
    options = {year: (inv, ben) for year, inv, ben, _n in trends.investment_by_year(params.year)}
    environmental = trends.environmental_investment_by_year(params.year)
    years = sorted(set(options) | set(environmental))
    zero = (Decimal("0"), Decimal("0"))
    return charts.grouped_bars_by_year(
        years,
        [
            ("investment", _("CP option investment"), [options.get(y, zero)[0] for y in years]),
            ("benefit", _("Annual economic benefit"), [options.get(y, zero)[1] for y in years]),
            (
                "environmental",
                _("Environmental investment beyond CP options"),
                [environmental.get(y, Decimal("0")) for y in years],
            ),
        ],
        _("10k yuan"),
        _("No option implemented and no environmental investment yet."),
    )


def draw_options(params: Params) -> str:
    found = options_by_aspect(programme.as_of(params.year))
    aspects = list(Aspect)
    return charts.stacked_bars(
        [str(aspect.label) for aspect in aspects],
        [
            (
                fee.value,
                str(fee.label),
                [found.get((aspect.value, fee.value), {}).get("count", 0) for aspect in aspects],
            )
            for fee in FeeClass
        ],
        _("Options implemented"),
        _("No option implemented yet."),
    )


def _target_label(row) -> str:
    """A path target by its goal year; a limit (no bar: met or not) by ≤/≥ and its verdict."""
    label = f"{row.indicator.display_name} → {row.target.goal_year}"
    if not row.is_limit:
        return label
    sign = "≤" if row.kind == "ceiling" else "≥"
    return f"{label} ({sign} {plain_decimal(row.target.goal_value)}: {row.light_label})"


def draw_targets(params: Params) -> str:
    rows = overview(params.year, dimension=params.dimension or None)
    return charts.progress_bars(
        [
            (
                f"{row.indicator.code}-{row.target.goal_year}",
                _target_label(row),
                float(row.progress_pct) if row.progress_pct is not None else None,
                float(row.expected_pct) if row.expected_pct is not None else None,
                row.light,
            )
            for row in rows
        ],
        _("Progress from baseline to goal (%)"),
        _("Expected by now"),
        _("No target yet."),
    )


@dataclass(frozen=True)
class Chart:
    title: str
    draw: object  # (Params) -> SVG
    depends: tuple[str, ...]  # what it reads (benxi_cp.datacache scopes)


CHARTS: dict[str, Chart] = {
    "city-discharge": Chart(
        gettext_lazy("City discharge per year"), draw_city_discharge, ("register", "discharge")
    ),
    "discharge": Chart(
        gettext_lazy("Discharge per year"), draw_discharge, ("register", "discharge", "audits")
    ),
    "investment": Chart(
        gettext_lazy("CP option and environmental investment per year"),
        draw_investment,
        ("audits", "programme"),
    ),
    "options": Chart(
        gettext_lazy("Options implemented by aspect and fee class"), draw_options, ("audits",)
    ),
    "targets": Chart(gettext_lazy("Target progress"), draw_targets, ("targets",)),
}


def chart_svg(name: str, params: Params) -> str:
    """The chart `name` for `params`, from the cache unless its records changed."""
    if name not in CHARTS:
        raise Http404(name)
    return _drawn(
        name, params.year, params.pollutant, params.enterprise, params.sector, params.dimension
    )


@datacache.figure(
    f"chart-{charts.VERSION}",  # a drawing of before a change of the drawing is not served
    depends=lambda name, *_params: CHARTS[name].depends,
)
def _drawn(
    name: str,
    year: int,
    pollutant: Pollutant | None,
    enterprise: Enterprise | None,
    sector: str,
    dimension: str,
) -> str:
    """The chart as `chart_svg` caches it (the language is part of the key)."""
    return CHARTS[name].draw(Params(year, pollutant, enterprise, sector, dimension))
