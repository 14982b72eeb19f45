"""The reports' work queues (benxi_cp/worklist.py): enterprises without a report for the
reporting period, and years ready to close.

The reporting period's deadline: an enterprise reports its discharge for a year to the EPB
by REPORT_DUE (31 March) of the following year. The period a queue shows is the last year
that has ended; a report "counts" once it is submitted or verified, as on the EPB dashboard.
"""

import datetime

from django.db.models import Exists, Min, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audits.models import STEP_COUNT, Audit
from audits.programme import eight_steps_done_on
from benxi_cp import worklist
from benxi_cp.worklist import Batch, WorkItem
from enterprises.choices import ReportStatus
from enterprises.models import DischargeReport, Enterprise, entry_url
from reports import closing, links
from reports.filters import REPORTED
from reports.years import data_years

REPORT_DUE = (3, 31)  # (month, day) of the year after the reporting year


def reporting_year(today: datetime.date) -> int:
    """The year whose reports are due now: the last year that has ended."""
    return today.year - 1


def report_due(year: int) -> datetime.date:
    return datetime.date(year + 1, *REPORT_DUE)


def missing_reports(user, today: datetime.date):
    """Enterprises of the register with no submitted or verified report for the reporting
    year, due by its deadline; each opens the entry grid of that report."""
    year = reporting_year(today)
    due = report_due(year)
    reported = DischargeReport.objects.filter(
        enterprise_id=OuterRef("pk"), year=year, status__in=REPORTED
    )
    missing = Enterprise.objects.filter(~Exists(reported))
    found = list(missing.order_by("code")[: worklist.LIMIT])
    total = len(found) if len(found) < worklist.LIMIT else missing.count()
    items = [
        WorkItem(
            kind="reports.missing",
            title=f"{enterprise.code} {enterprise.display_name}",
            url=entry_url(enterprise.pk, year),
            due=due,
            detail=_("No report for %(year)s submitted; due %(date)s")
            % {"year": year, "date": due.isoformat()},
        )
        for enterprise in found
    ]
    return Batch(
        items,
        total=total,
        overdue=total if due < today else 0,
        more_url=links.without_report(year) or "",
    )


def years_ready(today: datetime.date) -> list[int]:
    """Years that have ended, are not closed and that nothing keeps from closing (as
    closing.blockers says, for every year at once in three queries)."""
    closed = closing.closed_years()
    candidates = [y for y in data_years() if y < today.year and y not in closed]
    if not candidates:
        return []
    unverified = set(
        DischargeReport.objects.filter(year__in=candidates)
        .exclude(status=ReportStatus.VERIFIED)
        .order_by()
        .values_list("year", flat=True)
        .distinct()
    )
    candidates = [y for y in candidates if y not in unverified]
    if not candidates:
        return []
    # An unassessed audit with its eight steps done blocks every year from the one by whose
    # 31 December it was in the programme with its eight steps done.
    first_done = Audit.objects.filter(steps_completed=STEP_COUNT, assessment="").aggregate(
        first=Min(eight_steps_done_on())
    )["first"]
    first_blocked = first_done.year if first_done else None
    return [y for y in candidates if first_blocked is None or y < first_blocked]


def closing_years(user, today: datetime.date):
    """Years ready to close, oldest first; each opens the year's page (its close button)."""
    items = [
        WorkItem(
            kind="reports.closing",
            title=_("Close %(year)s") % {"year": year},
            url=reverse("reports:year", args=[year]),
            detail=_("Every report verified and every finished audit assessed."),
        )
        for year in years_ready(today)
    ]
    return Batch(items, more_url=reverse("reports:years"))


# Registered by the app's ready() (registry.worklist).
QUEUES = (
    worklist.Queue(
        "reports.missing",
        missing_reports,
        label=gettext_lazy("Enterprises missing last year's report"),
        order=30,
        empty=gettext_lazy("Every enterprise has reported for last year."),
        note=gettext_lazy(
            "An enterprise reports a year's discharge by 31 March of the following year; a "
            "report counts once it is submitted."
        ),
        applies=worklist.may("enterprises.view_enterprise", "enterprises.add_dischargereport"),
    ),
    worklist.Queue(
        "reports.closing",
        closing_years,
        label=gettext_lazy("Years ready to close"),
        order=80,
        empty=gettext_lazy("No year is ready to close."),
        applies=worklist.may("reports.view_annual_forms", "reports.close_year"),
    ),
)
