"""The enterprise page's panels. Other apps add theirs (its audits, its training, ...): a
`benxi_cp.panels.Panel` of the page `PAGE`, on a function (request, enterprise) ->
(template, context) or None, registered from their AppConfig.ready(); the register's own
panel, its discharge reports, is here.
"""

from collections import defaultdict

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import ngettext

from benxi_cp import panels
from benxi_cp.units import unit_label
from enterprises import reliability
from enterprises.choices import PeriodKind, ReportStatus, Severity
from enterprises.models import DischargeValue, Enterprise, Pollutant
from enterprises.views_discharge import ENTER_PERMISSIONS, REPORT_PAGE

PAGE = "enterprise"
__all__ = ["PAGE", "REPORT_PAGE", "PANELS", "panels_for"]
PIVOT_YEARS = 5  # the last years of annual discharge shown beside the enterprise's facts


def panels_for(request, enterprise):
    return panels.render(PAGE, request, enterprise)


def _annual_table(enterprise: Enterprise) -> tuple[list[dict], list[int], set[int]]:
    """The enterprise's annual discharge per pollutant over its last PIVOT_YEARS years of
    reports (submitted or verified): (rows, the years shown, every year reported)."""
    rows = DischargeValue.objects.filter(
        report__enterprise=enterprise, report__period_kind=PeriodKind.YEAR
    ).exclude(report__status=ReportStatus.DRAFT)
    years: set[int] = set()
    pollutants: dict[str, dict] = {}
    for year, status, code, name, name_en, unit, position, amount in rows.values_list(
        "report__year",
        "report__status",
        "pollutant__code",
        "pollutant__name",
        "pollutant__name_en",
        "pollutant__unit",
        "pollutant__position",
        "amount",
    ):
        years.add(year)
        entry = pollutants.setdefault(
            code,
            {
                "name": Pollutant(name=name, name_en=name_en).display_name,
                "unit": unit_label(unit),
                "position": position,
                "cells": {},
            },
        )
        entry["cells"][year] = {"amount": amount, "verified": status == ReportStatus.VERIFIED}
    # The last five years fit beside the enterprise's facts; the reports hold the rest.
    ordered_years = sorted(years)[-PIVOT_YEARS:]
    table = [
        {**entry, "row": [entry["cells"].get(year) for year in ordered_years]}
        for entry in sorted(pollutants.values(), key=lambda e: e["position"])
    ]
    return table, ordered_years, years


def discharge_panel(request, enterprise: Enterprise):
    """Its reports by year, its grade, and its annual discharge per pollutant over the years."""
    user = request.user
    if not user.has_perm("enterprises.view_dischargereport"):
        return None
    reports = list(
        enterprise.discharge_reports.annotate(
            serious=Count("flags", filter=Q(flags__severity=Severity.SERIOUS)),
            warnings=Count("flags", filter=Q(flags__severity=Severity.WARNING)),
        ).order_by("-year", "period_kind", "period_number")
    )
    counted = [r for r in reports if r.status != ReportStatus.DRAFT]
    grade = reliability.enterprise_grade((r.year, r.grade) for r in counted)
    in_grade = [r for r in counted if r.year in grade.years]
    by_year: dict[int, list] = defaultdict(list)
    for report in reports:
        by_year[report.year].append(report)

    table, ordered_years, years = _annual_table(enterprise)
    summary = ""
    if grade.grade:
        summary = ngettext(
            "%(count)s report of %(first)s–%(last)s: %(grades)s, average %(average)s "
            "(serious flags: %(serious)s; warnings: %(warnings)s).",
            "%(count)s reports of %(first)s–%(last)s: %(grades)s, average %(average)s "
            "(serious flags: %(serious)s; warnings: %(warnings)s).",
            grade.report_count,
        ) % {
            "count": grade.report_count,
            "first": grade.years[0],
            "last": grade.years[-1],
            "grades": " ".join(f"{n}×{letter}" for letter, n in grade.counts.items()),
            "average": grade.average_text,
            "serious": sum(r.serious for r in in_grade),
            "warnings": sum(r.warnings for r in in_grade),
        }
    return (
        "enterprises/panels/discharge.html",
        {
            "enterprise": enterprise,
            "by_year": sorted(by_year.items(), reverse=True),
            "grade": grade,
            "grade_summary": summary,
            "enterprise_rule": reliability.ENTERPRISE_RULE,
            "years": ordered_years,
            "more_years": len(years) > len(ordered_years),
            "table": table,
            "may_enter": user.has_perms(ENTER_PERMISSIONS),
            "entry_url": f"{reverse('enterprises:report_entry')}?enterprise={enterprise.pk}",
            "list_url": f"{reverse('enterprises:report_list')}?enterprise={enterprise.pk}",
        },
    )


# Registered by the app's ready() (registry.panels).
PANELS = (panels.Panel(PAGE, discharge_panel, order=20),)
