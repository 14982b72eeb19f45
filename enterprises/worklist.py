"""The discharge reports' work queues (benxi_cp/worklist.py): reports to verify, returned
reports to correct, unlocked reports to verify again.

Each source asks for the permission of the action it leads to and reads through the
queryset that scopes the user's reports; each runs a fixed number of queries whatever the
length of its queue (the items are the first `worklist.LIMIT`, the counts come from COUNTs).
"""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benxi_cp import worklist
from benxi_cp.worklist import Batch, WorkItem
from enterprises.choices import ReportStatus, Severity
from enterprises.models import DischargeReport, ReportUnlock

# A submitted report is verified within this many days of its submission (the programme's
# rule for the queues: past it the report is overdue, and the programme office sees it).
VERIFY_WITHIN_DAYS = 30
# An unlocked report stays in the office's queue this long, or until it is verified again.
UNLOCK_FOLLOW_DAYS = 30

GRADE_TONES = {"A": "success", "B": "info", "C": "warning", "D": "danger"}


def local_day(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(moment).date() if moment else None


def start_of(day: datetime.date) -> datetime.datetime:
    """The first moment of `day` in the programme's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def report_list(**query) -> str:
    url = reverse("enterprises:report_list")
    return f"{url}?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else url


def report_title(report: DischargeReport) -> str:
    return f"{report.enterprise.code} {report.enterprise.display_name} · {report.period_label}"


def report_tags(report: DischargeReport) -> tuple[tuple[str, str], ...]:
    tags = []
    if report.grade:
        tags.append((_("Grade %(grade)s") % {"grade": report.grade}, GRADE_TONES[report.grade]))
    serious = getattr(report, "serious_flags", 0)
    warnings = getattr(report, "warning_flags", 0)
    if serious:
        tags.append((_("%(count)s serious") % {"count": serious}, "danger"))
    if warnings:
        tags.append((_("%(count)s warnings") % {"count": warnings}, "warning"))
    return tuple(tags)


def with_flag_counts(reports):
    return reports.annotate(
        serious_flags=Count("flags", filter=Q(flags__severity=Severity.SERIOUS)),
        warning_flags=Count("flags", filter=Q(flags__severity=Severity.WARNING)),
    )


def awaiting_verification(user, today: datetime.date):
    """The submitted reports this user may verify (not those they entered or submitted:
    separation of duties), oldest submission first, each due VERIFY_WITHIN_DAYS after it."""
    mine = DischargeReport.objects.for_user(user).to_verify_by(user)
    late = start_of(today - datetime.timedelta(days=VERIFY_WITHIN_DAYS))
    counts = mine.order_by().aggregate(
        total=Count("pk"), overdue=Count("pk", filter=Q(submitted_at__lt=late))
    )
    reports = with_flag_counts(mine.select_related("enterprise"))[: worklist.LIMIT]
    items = []
    for report in reports:
        submitted = local_day(report.submitted_at)
        items.append(
            WorkItem(
                kind="enterprises.verify",
                title=report_title(report),
                url=reverse("enterprises:report_verify", args=[report.pk]),
                due=submitted + datetime.timedelta(days=VERIFY_WITHIN_DAYS) if submitted else None,
                detail=(
                    _("Submitted %(date)s") % {"date": submitted.isoformat()}
                    if submitted
                    else _("Submission date not recorded")
                ),
                tags=report_tags(report),
            )
        )
    return Batch(
        items,
        total=counts["total"],
        overdue=counts["overdue"],
        more_url=report_list(status=ReportStatus.SUBMITTED),
        actions=(
            [(_("Verify next"), reverse("enterprises:report_verify_next"))]
            if counts["total"]
            else []
        ),
    )


def returned_reports(user, today: datetime.date):
    """Reports returned with a reason, to correct in the entry grid and submit again; the
    longest returned first."""
    returned = DischargeReport.objects.for_user(user).filter(status=ReportStatus.RETURNED)
    reports = list(
        with_flag_counts(returned.select_related("enterprise")).order_by("returned_at", "pk")[
            : worklist.LIMIT
        ]
    )
    total = len(reports) if len(reports) < worklist.LIMIT else returned.count()
    items = [
        WorkItem(
            kind="enterprises.returned",
            title=report_title(report),
            url=report.entry_url,
            detail=(
                _("Returned %(date)s: %(reason)s")
                % {
                    "date": local_day(report.returned_at).isoformat(),
                    "reason": Truncator(report.return_reason).chars(120),
                }
                if report.returned_at
                else Truncator(report.return_reason).chars(120)
            ),
            tags=report_tags(report),
        )
        for report in reports
    ]
    return Batch(items, total=total, more_url=report_list(status=ReportStatus.RETURNED))


def unlocked_reports(user, today: datetime.date):
    """Verified reports unlocked in the last UNLOCK_FOLLOW_DAYS and not verified again: the
    office follows them until the EPB has verified them once more."""
    since = start_of(today - datetime.timedelta(days=UNLOCK_FOLLOW_DAYS))
    unlocks = (
        ReportUnlock.objects.filter(
            unlocked_at__gte=since,
            report__in=DischargeReport.objects.for_user(user).exclude(status=ReportStatus.VERIFIED),
        )
        .select_related("report__enterprise", "unlocked_by")
        .order_by("-unlocked_at", "-pk")
    )
    found = list(unlocks[: worklist.LIMIT])
    total = len(found) if len(found) < worklist.LIMIT else unlocks.count()
    items = [
        WorkItem(
            kind="enterprises.unlocked",
            title=report_title(unlock.report),
            url=unlock.report.get_absolute_url(),
            detail=_("Unlocked %(date)s by %(user)s: %(reason)s")
            % {
                "date": local_day(unlock.unlocked_at).isoformat(),
                "user": unlock.unlocked_by.get_full_name() or unlock.unlocked_by.get_username(),
                "reason": Truncator(unlock.reason).chars(120),
            },
            tags=((unlock.report.get_status_display(), "secondary"),),
        )
        for unlock in found
    ]
    return Batch(items, total=total)


# Registered by the app's ready() (registry.worklist).
QUEUES = (
    worklist.Queue(
        "enterprises.verify",
        awaiting_verification,
        label=gettext_lazy("Reports awaiting your verification"),
        order=10,
        empty=gettext_lazy("No submitted report is waiting for you to verify it."),
        note=worklist.lazy_text(
            gettext_lazy(
                "Oldest submission first. A report is due for verification %(days)s days after "
                "it was submitted. Reports you entered or submitted are verified by a colleague."
            ),
            days=VERIFY_WITHIN_DAYS,
        ),
        applies=worklist.may(
            "enterprises.view_dischargereport", "enterprises.verify_dischargereport"
        ),
    ),
    worklist.Queue(
        "enterprises.returned",
        returned_reports,
        label=gettext_lazy("Returned reports to correct"),
        order=20,
        empty=gettext_lazy("No report has been returned."),
        applies=worklist.may(
            "enterprises.view_dischargereport", "enterprises.change_dischargereport"
        ),
    ),
    worklist.Queue(
        "enterprises.unlocked",
        unlocked_reports,
        label=gettext_lazy("Unlocked reports not yet verified again"),
        order=40,
        empty=worklist.lazy_text(
            gettext_lazy(
                "No report unlocked in the last %(days)s days is waiting to be verified again."
            ),
            days=UNLOCK_FOLLOW_DAYS,
        ),
        applies=worklist.may(
            "enterprises.view_dischargereport", "enterprises.unlock_dischargereport"
        ),
    ),
)
