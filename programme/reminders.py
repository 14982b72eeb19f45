"""The weekly reminder e-mail: each active user with an address gets one message listing the
items of their work queue (benxi_cp.worklist, every source) that are overdue or due soon, in
their language. A user with nothing due gets nothing; a user who had this week's message does
not get it again (ReminderSent, one row per user and week)."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from benxi_cp import worklist
from benxi_cp.worklist import WorkItem
from programme.models import ReminderSent
from programme.organisation.queries import week_start


@dataclass
class Outcome:
    """What a run did, user by user."""

    sent: list[tuple[str, int]] = field(default_factory=list)  # (username, items)
    nothing_due: list[str] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def language_of(user) -> str:
    """The language of `user`'s e-mails: their profile's, else the site's (Chinese)."""
    profile = getattr(user, "programme_profile", None)
    language = profile.language if profile is not None else ""
    codes = {code for code, _name in settings.LANGUAGES}
    return language if language in codes else settings.LANGUAGE_CODE


def due_items(user, today: datetime.date, days: int) -> tuple[list[WorkItem], list[WorkItem]]:
    """The user's overdue items and those due within `days`, from every work-queue source."""
    overdue, soon = [], []
    for item in worklist.items_for(user, today):
        if item.is_overdue(today):
            overdue.append(item)
        elif item.is_due_within(today, days):
            soon.append(item)
    return overdue, soon


def by_kind(rows: list[tuple]) -> list[tuple[str, list[tuple]]]:
    """(heading, rows) per kind of item, in the order of the kinds' queues on the landing
    pages; the rows keep their order (by due date) within a kind."""
    groups: dict[str, list[tuple]] = {}
    for row in rows:
        groups.setdefault(row[0].kind, []).append(row)
    kinds = sorted(groups, key=lambda key: (worklist.kind(key).order, key))
    return [(str(worklist.kind(key).label or key), groups[key]) for key in kinds]


def absolute(url: str) -> str:
    return url if "://" in url else f"{settings.BENXI_SITE_URL}{url}"


def build_message(user, today: datetime.date, days: int) -> EmailMultiAlternatives | None:
    """The user's reminder in their language, or None when nothing is overdue or due soon."""
    with translation.override(language_of(user)):
        overdue, soon = due_items(user, today, days)
        if not overdue and not soon:
            return None
        context = {
            "user": user,
            "name": user.get_full_name() or user.get_username(),
            "today": today,
            "days": days,
            "overdue": by_kind(
                [(item, absolute(item.url), (today - item.due).days) for item in overdue]
            ),
            "soon": by_kind([(item, absolute(item.url), (item.due - today).days) for item in soon]),
            "site_url": settings.BENXI_SITE_URL,
        }
        subject = _("Benxi CP: %(overdue)s overdue, %(soon)s due within %(days)s days") % {
            "overdue": len(overdue),
            "soon": len(soon),
            "days": days,
        }
        text = render_to_string("programme/email/reminder.txt", context)
        html = render_to_string("programme/email/reminder.html", context)
    message = EmailMultiAlternatives(subject, text, to=[user.email])
    message.attach_alternative(html, "text/html")
    message.item_count = len(overdue) + len(soon)
    return message


def recipients():
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .select_related("programme_profile")
        .order_by("username")
    )


def send_reminders(today: datetime.date, days: int, dry_run: bool = False) -> Outcome:
    """Send this week's reminders (those not sent yet); `dry_run` sends and records nothing."""
    outcome = Outcome()
    week = week_start(today)
    done = set(ReminderSent.objects.filter(week=week).values_list("user_id", flat=True))
    for user in recipients():
        if user.pk in done:
            outcome.already_sent.append(user.username)
            continue
        message = build_message(user, today, days)
        if message is None:
            outcome.nothing_due.append(user.username)
            continue
        if dry_run:
            outcome.sent.append((user.username, message.item_count))
            continue
        try:
            # The row first, the message inside its transaction: a failed send leaves no row
            # (the next run tries again), and a run beside this one finds the row and skips.
            with transaction.atomic():
                ReminderSent.objects.create(user=user, week=week, items=message.item_count)
                message.send()
        except IntegrityError:
            outcome.already_sent.append(user.username)
            continue
        except OSError as error:  # SMTP refusals and network errors
            outcome.failed.append((user.username, str(error)))
            continue
        outcome.sent.append((user.username, message.item_count))
    return outcome
