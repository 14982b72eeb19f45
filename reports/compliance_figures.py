"""Compliance with the permits on the dashboards: the enterprises of each finding of a year
(permits/compliance.py, the same rows as the compliance form), the largest exceeders and the
year's environmental protection tax, cached until the permits, the monitoring or the
verified discharge change. The dashboards show the counts; the drill-down list of
enterprises (reports/filters.py, `compliance=`) lists the same enterprises."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

from benxi_cp import datacache
from enterprises.models import Enterprise
from permits import compliance, fees

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


@datacache.figure("compliance-findings", depends=("register", "permits", "discharge"))
def findings(year: int, today: datetime.date) -> dict:
    """{"ids": {finding: sorted enterprise ids}, "top": the enterprises with the most
    exceedances [(id, code, name, exceedances)], "tax": the year's tax in yuan}. The
    concentration rows (3 queries), the annual totals (2), the largest exceeders' names (1,
    when there are any), the tax (3)."""
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
    }
