"""Renewal reminders of the enterprises' CP acceptance certificates (audits/certificates.py):
each active preparer and signatory with an address is told, in their language, once per
certificate and threshold (expiring within six months; expired), recorded as a
CertificateReminder; the row is written in the send's transaction, so a failed send leaves
no row and the next run tries again. `manage.py send_certificate_reminders` runs it."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from audits.certificates import certificates_due
from audits.choices import CertificateState
from audits.models import CertificateReminder, certificate_state
from portal.models import Grant, Level
from programme.reminders import language_of


@dataclass
class Outcome:
    sent: list[tuple[str, str]] = field(default_factory=list)  # (username, audit ref)
    failed: list[tuple[str, str]] = field(default_factory=list)


def reminders_due(today: datetime.date) -> list[tuple]:
    """[(user, review, threshold)] not told yet, by certificate then person."""
    reviews = list(certificates_due(today))
    enterprise_ids = {review.audit.enterprise_id for review in reviews}
    people: dict[int, list] = {}
    for grant in (
        Grant.objects.active()
        .filter(
            enterprise_id__in=enterprise_ids,
            level__in=[Level.PREPARER, Level.SIGNATORY],
            user__is_active=True,
        )
        .exclude(user__email="")
        .select_related("user", "user__programme_profile")
        .order_by("user__username")
    ):
        people.setdefault(grant.enterprise_id, []).append(grant.user)
    told = set(
        CertificateReminder.objects.filter(review__in=reviews).values_list(
            "user_id", "review_id", "threshold"
        )
    )
    due = []
    for review in reviews:
        threshold = certificate_state(review.valid_until, today)
        for user in people.get(review.audit.enterprise_id, []):
            if (user.pk, review.pk, threshold) not in told:
                due.append((user, review, threshold))
    return due


def build_message(user, review, threshold: str, today: datetime.date) -> EmailMessage:
    with translation.override(language_of(user)):
        context = {
            "name": user.get_full_name() or user.get_username(),
            "review": review,
            "enterprise": review.audit.enterprise,
            "expired": threshold == CertificateState.EXPIRED,
            "today": today,
            "url": f"{settings.BENXI_SITE_URL}{reverse('portal:home')}",
        }
        subject = _("Benxi CP: your enterprise's CP certificate (%(ref)s) needs renewal") % {
            "ref": review.audit.ref
        }
        text = render_to_string("portal/email/certificate.txt", context)
    return EmailMessage(subject, text, to=[user.email])


def send_certificate_reminders(today: datetime.date, dry_run: bool = False) -> Outcome:
    outcome = Outcome()
    for user, review, threshold in reminders_due(today):
        if dry_run:
            outcome.sent.append((user.username, review.audit.ref))
            continue
        message = build_message(user, review, threshold, today)
        try:
            with transaction.atomic():
                CertificateReminder.objects.create(user=user, review=review, threshold=threshold)
                message.send()
        except IntegrityError:
            continue
        except OSError as error:  # SMTP refusals and network errors
            outcome.failed.append((user.username, str(error)))
            continue
        outcome.sent.append((user.username, review.audit.ref))
    return outcome
