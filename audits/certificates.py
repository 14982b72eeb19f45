"""The acceptance certificates to renew: each enterprise's latest certificate that expires
within WARN_MONTHS (6) or has expired, for the programme office's work queue and the
enterprises' renewal reminders (portal/certificates.py)."""

import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audits.choices import CertificateState, Verdict
from audits.models import Audit, ExpertReview, certificate_state
from audits.models.review import WARN_MONTHS
from benxi_cp import worklist
from benxi_cp.worklist import Batch, WorkItem, add_months


def latest_certificates() -> QuerySet:
    """Certificates of accepted audits not followed by a later one of the same enterprise."""
    later = ExpertReview.objects.filter(
        audit__enterprise_id=OuterRef("audit__enterprise_id"),
        valid_until__gt=OuterRef("valid_until"),
    )
    return ExpertReview.objects.filter(
        valid_until__isnull=False, audit__acceptance=Verdict.PASS
    ).filter(~Exists(later))


def certificates_due(today: datetime.date) -> QuerySet:
    """The latest certificates expiring within WARN_MONTHS or expired, the earliest first."""
    return (
        latest_certificates()
        .filter(valid_until__lte=add_months(today, WARN_MONTHS))
        .select_related("audit__enterprise")
        .order_by("valid_until", "pk")
    )


def detail(review: ExpertReview, today: datetime.date) -> str:
    if certificate_state(review.valid_until, today) == CertificateState.EXPIRED:
        return _("Certificate expired %(date)s") % {"date": review.valid_until.isoformat()}
    return _("Certificate expires %(date)s") % {"date": review.valid_until.isoformat()}


def expiring(user, today: datetime.date):
    due = certificates_due(today).filter(audit__in=Audit.objects.for_user(user))
    found = list(due[: worklist.LIMIT])
    total = len(found) if len(found) < worklist.LIMIT else due.count()
    items = [
        WorkItem(
            kind="audits.certificates",
            title=f"{r.audit.ref} · {r.audit.enterprise.code} {r.audit.enterprise.display_name}",
            url=reverse("audits:detail", args=[r.audit_id]),
            detail=detail(r, today),
            due=r.valid_until,
        )
        for r in found
    ]
    return Batch(items, total=total)


QUEUE = worklist.Queue(
    "audits.certificates",
    expiring,
    label=gettext_lazy("Certificates to renew"),
    order=67,
    empty=gettext_lazy("No enterprise's certificate expires within six months."),
    applies=worklist.may("audits.view_all_audits", "audits.assess_audit"),
)
