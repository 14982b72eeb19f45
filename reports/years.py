"""Which years the reports offer, and the year a page opens on.

Every page about one year (dashboards, claims, trends, charts, annual forms) opens on
`default_year()`, the one rule: the latest year whose reporting is complete. A year's
reporting is complete when the year has ended (on the demo's own date, benxi_cp/clock.py)
and at least COMPLETE_SHARE of the enterprises that reported the year before have reported
it (submitted or verified); the first year with reports is complete once it has ended. A
closed year is such a year: closing asks for every report of it verified. So one early
report of a new year does not move every page to that nearly empty year. With no complete
year, a page opens on the latest year that has ended, else on the latest year with records.
The year picker beside each page's title offers every year.
"""

from __future__ import annotations

from fractions import Fraction

from django.core.exceptions import BadRequest
from django.db.models import Count, Max, Min, Q
from django.utils.translation import gettext as _

from audits.models import Audit, Option
from benxi_cp import clock, datacache
from benxi_cp.validators import in_range
from enterprises.choices import ReportStatus
from enterprises.models import DischargeReport

COMPLETE_SHARE = Fraction(3, 4)  # of the enterprises that reported the year before
REPORTED = (ReportStatus.SUBMITTED, ReportStatus.VERIFIED)


def data_years() -> list[int]:
    """Every year from the first record to the latest one (capped at this year); this year
    alone when there is no record yet. Cached until a record changes."""
    return _years(clock.today().year)["years"]


def default_year() -> int:
    """The year a page opens on (the module's docstring says which)."""
    return _years(clock.today().year)["default"]


def years_and_default() -> tuple[list[int], int]:
    """data_years() and default_year() from one read of the cache."""
    facts = _years(clock.today().year)
    return facts["years"], facts["default"]


@datacache.figure("data-years-default", depends=("audits", "reports", "discharge"))
def _years(this_year: int) -> dict:
    """The years with records and the default one, in three queries (audits, options, the
    reports grouped by year with the enterprises that reported each)."""
    audits = Audit.objects.aggregate(first=Min("started_on"), last=Max("started_on"))
    implemented = Option.objects.aggregate(last=Max("implemented_on"))["last"]
    reporters = dict(
        DischargeReport.objects.values_list("year")
        .annotate(count=Count("enterprise_id", distinct=True, filter=Q(status__in=REPORTED)))
        .order_by()
    )
    report_years = sorted(reporters)
    firsts = [y for y in (audits["first"] and audits["first"].year, *report_years[:1]) if y]
    lasts = [
        y
        for y in (
            audits["last"] and audits["last"].year,
            *report_years[-1:],
            implemented and implemented.year,
        )
        if y
    ]
    if not firsts:
        years = [this_year]
    else:
        years = list(range(min(firsts), min(max(lasts), this_year) + 1)) or [this_year]
    return {"years": years, "default": _default(years, reporters, this_year)}


def complete_years(reporters: dict[int, int], this_year: int) -> list[int]:
    """The years whose reporting is complete, from the count of enterprises that reported
    each year (see the module's docstring)."""
    complete = []
    for year in sorted(reporters):
        if year >= this_year or not reporters[year]:
            continue
        before = reporters.get(year - 1, 0)
        if not before or Fraction(reporters[year], before) >= COMPLETE_SHARE:
            complete.append(year)
    return complete


def _default(years: list[int], reporters: dict[int, int], this_year: int) -> int:
    complete = complete_years(reporters, this_year)
    if complete:
        return complete[-1]
    ended = [year for year in years if year < this_year]
    return ended[-1] if ended else years[-1]


def chosen_year(request, years: list[int], default: int | None = None) -> int:
    """The ?year= of the request (400 when it is not a year), else `default` (the latest of
    `years` when none is given)."""
    value = request.GET.get("year", "").strip()
    if not value:
        return years[-1] if default is None else default
    try:
        year = int(value)
    except ValueError:
        raise BadRequest(_("The year must be a four-digit number.")) from None
    if not in_range(year):
        raise BadRequest(_("The year is out of range."))
    return year
