"""Reminders of an enterprise's deadlines, for its preparers and signatories: the reports due
within N days or overdue (portal/deadlines.py) and the drafts awaiting signature, in each
person's language. A person is told of each deadline at most once (DeadlineReminder, one row
per person, enterprise and period): a run tells them only of what is new to them, and a
person with nothing new gets nothing. `manage.py send_deadline_reminders` runs it."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from enterprises.choices import PeriodKind, ReportStatus
from enterprises.models import DischargeReport
from portal import deadlines
from portal.models import DeadlineReminder, Grant, Level
from programme.reminders import language_of

DUE, OVERDUE, UNSIGNED = "due", "overdue", "unsigned"
AWAITING = (ReportStatus.DRAFT, ReportStatus.RETURNED)


@dataclass(frozen=True)
class Item:
    """One deadline of an enterprise a person is told of."""

    enterprise: object
    kind: str
    year: int
    number: int
    reason: str
    due: datetime.date | None = None
    status: str = ""  # the report's status code, "" when none was received

    @property
    def key(self) -> tuple:
        return (self.enterprise.pk, self.kind, self.year, self.number)

    @property
    def period(self) -> str:
        return deadlines.period_label(self.kind, self.year, self.number)

    @property
    def status_label(self) -> str:
        return str(ReportStatus(self.status).label) if self.status else ""  # active language

    @property
    def kind_label(self) -> str:
        return str(deadlines.KIND_LABELS[self.kind])  # in the active language


@dataclass
class Outcome:
    sent: list[tuple[str, int]] = field(default_factory=list)  # (username, items)
    nothing_new: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def next_period(kind: str, year: int, number: int) -> tuple[int, int]:
    last = {PeriodKind.MONTH: 12, PeriodKind.QUARTER: 4}.get(kind)
    if last is None:
        return year + 1, 0
    return (year + 1, 1) if number == last else (year, number + 1)


def enterprise_items(enterprise, reports: list, today: datetime.date, days: int) -> list[Item]:
    """The enterprise's deadlines to tell of: for each kind it reports (annual always), the
    latest period due if not received and past its date (overdue), the next period if due
    within `days` and not received; and its reports awaiting signature."""
    kinds = {report.period_kind for report in reports} | {PeriodKind.YEAR}
    by_period = {(r.period_kind, r.year, r.period_number): r for r in reports}
    items = []
    for kind in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR):
        if kind not in kinds:
            continue
        year, number = deadlines.last_period_due(kind, today)
        candidates = [(year, number), next_period(kind, year, number)]
        for year, number in candidates:
            report = by_period.get((kind, year, number))
            if report is not None and report.status in deadlines.RECEIVED:
                continue
            due = deadlines.due_date(kind, year, number)
            if due < today:
                reason = OVERDUE
            elif (due - today).days <= days:
                reason = DUE
            else:
                continue
            status = report.status if report is not None else ""
            items.append(Item(enterprise, kind, year, number, reason, due, status))
    told = {item.key for item in items}
    for report in reports:
        key = (enterprise.pk, report.period_kind, report.year, report.period_number)
        if report.status in AWAITING and key not in told:
            items.append(
                Item(
                    enterprise,
                    report.period_kind,
                    report.year,
                    report.period_number,
                    UNSIGNED,
                    status=report.status,
                )
            )
    return items


def items_by_person(today: datetime.date, days: int) -> dict:
    """{user: [Item, ...]} for every active preparer and signatory with an address, of the
    enterprises of their grants that count, less what they were told already."""
    grants = (
        Grant.objects.active()
        .filter(level__in=[Level.PREPARER, Level.SIGNATORY], user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "user__programme_profile", "enterprise")
        .order_by("user__username", "enterprise__code")
    )
    grants = list(grants)
    enterprise_ids = {grant.enterprise_id for grant in grants}
    reports: dict[int, list] = {pk: [] for pk in enterprise_ids}
    for report in DischargeReport.objects.filter(enterprise_id__in=enterprise_ids).order_by(
        "year", "period_kind", "period_number"
    ):
        reports[report.enterprise_id].append(report)
    items = {
        pk: enterprise_items(grant.enterprise, reports[pk], today, days)
        for pk, grant in {g.enterprise_id: g for g in grants}.items()
    }
    told = set(
        DeadlineReminder.objects.filter(user__in=[g.user_id for g in grants]).values_list(
            "user_id", "enterprise_id", "period_kind", "year", "period_number"
        )
    )
    found: dict = {}
    for grant in grants:
        new = [
            item for item in items[grant.enterprise_id] if (grant.user_id, *item.key) not in told
        ]
        if new:
            found.setdefault(grant.user, []).extend(new)
    return found


def build_message(user, items: list[Item], today: datetime.date, days: int):
    """The person's reminder, in their language."""
    with translation.override(language_of(user)):
        context = {
            "name": user.get_full_name() or user.get_username(),
            "today": today,
            "days": days,
            "overdue": [item for item in items if item.reason == OVERDUE],
            "due": [item for item in items if item.reason == DUE],
            "unsigned": [item for item in items if item.reason == UNSIGNED],
            "url": f"{settings.BENXI_SITE_URL}{reverse('portal:home')}",
        }
        subject = _("Benxi CP: your enterprise's reports (%(count)s to attend to)") % {
            "count": len(items)
        }
        text = render_to_string("portal/email/deadlines.txt", context)
        html = render_to_string("portal/email/deadlines.html", context)
    message = EmailMultiAlternatives(subject, text, to=[user.email])
    message.attach_alternative(html, "text/html")
    return message


def send_deadline_reminders(today: datetime.date, days: int, dry_run: bool = False) -> Outcome:
    """Tell each preparer and signatory of what is new to them; `dry_run` sends and records
    nothing."""
    outcome = Outcome()
    found = items_by_person(today, days)
    for user, items in found.items():
        if dry_run:
            outcome.sent.append((user.username, len(items)))
            continue
        message = build_message(user, items, today, days)
        try:
            # The rows first, the message inside their transaction: a failed send leaves no
            # row (the next run tries again); a run beside this one finds the rows and stops.
            with transaction.atomic():
                DeadlineReminder.objects.bulk_create(
                    [
                        DeadlineReminder(
                            user=user,
                            enterprise=item.enterprise,
                            period_kind=item.kind,
                            year=item.year,
                            period_number=item.number,
                            reason=item.reason,
                        )
                        for item in items
                    ]
                )
                message.send()
        except IntegrityError:
            continue
        except OSError as error:  # SMTP refusals and network errors
            outcome.failed.append((user.username, str(error)))
            continue
        outcome.sent.append((user.username, len(items)))
    return outcome
