"""Compliance with the permits on the dashboards: the enterprises of each finding of a year
(permits/compliance.py, the same rows as the compliance form), the largest exceeders and the
year's environmental protection tax, and the enforcement cases open and overdue on the day,
cached until the permits, the monitoring, the cases or the verified discharge change (the
cases are tables of the `permits` scope). The dashboards show the counts; the drill-down list
of enterprises (reports/filters.py, `compliance=`) lists the same enterprises, the cases' list
(permits:cases, `state=`) the same cases."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from benxi_cp import datacache
from enterprises.models import Enterprise
from permits import compliance, fees
from permits.filters import OVERDUE, STILL_OPEN
from permits.models import EnforcementCase

# The findings, in the order the dashboards show them.
LABELS = {
    compliance.PERMITTED: _("Enterprises with a permit in force"),
    compliance.COMPLIANT: _("In compliance"),
    compliance.EXCEEDANCE: _("With exceedances"),
    compliance.CHRONIC: _("Chronic non-compliance"),
    compliance.SERIOUS: _("Serious non-compliance"),
    compliance.MISSING: _("Missing monitoring"),
    compliance.NEAR_PERMITTED: _("At or above 80 percent of a permitted quantity"),
    compliance.OVER_PERMITTED: _("Above a permitted quantity"),
}
TOP_EXCEEDERS = 5
# The enforcement cases on the day, each the state of the cases' list that lists them.
CASE_LABELS = {
    STILL_OPEN: _("Open enforcement cases"),
    OVERDUE: _("Overdue enforcement cases"),
}


@datacache.figure("compliance-findings", depends=("register", "permits", "discharge"))
def findings(year: int, today: datetime.date) -> dict:
    """{"ids": {finding: sorted enterprise ids}, "top": the enterprises with the most
    exceedances [(id, code, name, exceedances)], "tax": the year's tax in yuan, "cases":
    {state: the number of enforcement cases not closed (still_open), past their deadline
    (overdue) on `today`}}. The concentration rows (3 queries), the annual totals (2), the
    largest exceeders' names (1, when there are any), the tax (3), the cases (1)."""
    found = compliance.findings(year, today)
    ranked = sorted(found["exceedances"].items(), key=lambda item: (-item[1], item[0]))
    ranked = ranked[:TOP_EXCEEDERS]
    names = {}
    if ranked:
        names = {
            e.pk: e
            for e in Enterprise.objects.filter(pk__in=[pk for pk, _count in ranked]).only(
                "code", "name", "name_en"
            )
        }
    return {
        "ids": {key: sorted(found[key]) for key in LABELS},
        "top": [
            (pk, names[pk].code, names[pk].display_name, count)
            for pk, count in ranked
            if pk in names
        ],
        "tax": sum((line.tax_yuan for line in fees.lines(year)), start=fees.CENT * 0),
        "cases": open_cases(today),
    }


def open_cases(today: datetime.date) -> dict[str, int]:
    """The cases not closed and those of them past their deadline on `today`, as the cases'
    list filters them (EnforcementCase.objects.still_open, overdue_on): one query."""
    return EnforcementCase.objects.still_open().aggregate(
        **{STILL_OPEN: Count("pk"), OVERDUE: Count("pk", filter=Q(deadline__lt=today))}
    )
