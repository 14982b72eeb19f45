"""Which years the reports offer, and the year a page opens on."""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.db.models import Max, Min
from django.utils.translation import gettext as _

from audits.models import Audit, Option
from benxi_cp import clock, datacache
from benxi_cp.validators import in_range
from enterprises.models import DischargeReport


def data_years() -> list[int]:
    """Every year from the first record to the latest one (capped at this year); this year
    alone when there is no record yet. Cached until a record changes."""
    return _data_years(clock.today().year)


@datacache.figure("data-years", depends=("audits", "reports", "discharge"))
def _data_years(this_year: int) -> list[int]:
    audits = Audit.objects.aggregate(first=Min("started_on"), last=Max("started_on"))
    reports = DischargeReport.objects.aggregate(first=Min("year"), last=Max("year"))
    implemented = Option.objects.aggregate(last=Max("implemented_on"))["last"]
    firsts = [y for y in (audits["first"] and audits["first"].year, reports["first"]) if y]
    lasts = [
        y
        for y in (
            audits["last"] and audits["last"].year,
            reports["last"],
            implemented and implemented.year,
        )
        if y
    ]
    if not firsts:
        return [this_year]
    return list(range(min(firsts), min(max(lasts), this_year) + 1)) or [this_year]


def chosen_year(request, years: list[int]) -> int:
    """The ?year= of the request (400 when it is not a year), else the latest year."""
    value = request.GET.get("year", "").strip()
    if not value:
        return years[-1]
    try:
        year = int(value)
    except ValueError:
        raise BadRequest(_("The year must be a four-digit number.")) from None
    if not in_range(year):
        raise BadRequest(_("The year is out of range."))
    return year
