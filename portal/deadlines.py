"""When an enterprise's discharge reports are due (settings BENXI_REPORT_DUE_*): a monthly
report by the 15th of the next month, a quarterly one within 15 days of the quarter's end,
the annual one by 31 January of the next year."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from enterprises.choices import PeriodKind, ReportStatus

RECEIVED = (ReportStatus.SUBMITTED, ReportStatus.VERIFIED)


def monthly_due_day() -> int:
    return getattr(settings, "BENXI_REPORT_DUE_MONTHLY_DAY", 15)


def quarterly_due_days() -> int:
    return getattr(settings, "BENXI_REPORT_DUE_QUARTERLY_DAYS", 15)


def annual_due() -> tuple[int, int]:
    return getattr(settings, "BENXI_REPORT_DUE_ANNUAL", (1, 31))


def _month_after(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def due_date(kind: str, year: int, number: int) -> datetime.date:
    if kind == PeriodKind.MONTH:
        next_year, next_month = _month_after(year, number)
        return datetime.date(next_year, next_month, monthly_due_day())
    if kind == PeriodKind.QUARTER:
        next_year, next_month = _month_after(year, number * 3)
        quarter_end = datetime.date(next_year, next_month, 1) - datetime.timedelta(days=1)
        return quarter_end + datetime.timedelta(days=quarterly_due_days())
    month, day = annual_due()
    return datetime.date(year + 1, month, day)


def last_period_due(kind: str, today: datetime.date) -> tuple[int, int]:
    """The latest period of `kind` whose due date is today or past."""
    if kind == PeriodKind.MONTH:
        year, month = today.year, today.month
        for _step in range(3):
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
            if due_date(kind, year, month) <= today:
                return year, month
    if kind == PeriodKind.QUARTER:
        year, quarter = today.year, (today.month - 1) // 3 + 1
        for _step in range(3):
            year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
            if due_date(kind, year, quarter) <= today:
                return year, quarter
    year = today.year - 1
    return (year, 0) if due_date(PeriodKind.YEAR, year, 0) <= today else (year - 1, 0)


def period_label(kind: str, year: int, number: int) -> str:
    if kind == PeriodKind.MONTH:
        return f"{year}-M{number:02d}"
    if kind == PeriodKind.QUARTER:
        return f"{year}-Q{number}"
    return str(year)


KIND_LABELS = {
    PeriodKind.MONTH: _("Monthly report"),
    PeriodKind.QUARTER: _("Quarterly report"),
    PeriodKind.YEAR: _("Annual report"),
}


@dataclass(frozen=True)
class Deadline:
    kind_label: str
    period: str
    due: datetime.date
    status: str  # the report's status label, or "" when none was received
    overdue: bool


def deadlines(reports: list, today: datetime.date) -> list[Deadline]:
    """The latest period due of each kind the enterprise reports (annual always; monthly and
    quarterly once it has reported such a period), from its reports (any order)."""
    kinds_reported = {report.period_kind for report in reports}
    by_period = {(r.period_kind, r.year, r.period_number): r for r in reports}
    found = []
    for kind in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR):
        if kind != PeriodKind.YEAR and kind not in kinds_reported:
            continue
        year, number = last_period_due(kind, today)
        report = by_period.get((kind, year, number))
        received = report is not None and report.status in RECEIVED
        due = due_date(kind, year, number)
        found.append(
            Deadline(
                kind_label=KIND_LABELS[kind],
                period=period_label(kind, year, number),
                due=due,
                status=report.get_status_display() if report is not None else "",
                overdue=not received and due < today,
            )
        )
    return found
