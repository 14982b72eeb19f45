"""An enterprise applies online for the assessment or the acceptance of its CP audit
(评估验收): its signatory uploads the audit report (送审稿) and the performance table (绩效表);
the application waits in the programme office's work queue, which accepts it for review (the
office then records the assessment or acceptance on the audit's own pages) or returns it
with a reason the enterprise sees, and may apply again."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audits.choices import Verdict
from audits.models import STEP_COUNT, Audit
from benxi_cp import worklist
from benxi_cp.worklist import Batch, WorkItem
from portal import access
from portal.models import (
    ApplicationDocument,
    ApplicationStatus,
    AuditApplication,
    DocumentKind,
    Stage,
)

ASSESS = "audits.assess_audit"


def stage_due(audit: Audit) -> str | None:
    """What the audit may apply for now: assessment once its eight steps are done and it
    is not assessed; acceptance once its assessment passed and it is not accepted."""
    if audit.steps_completed == STEP_COUNT and not audit.assessment:
        return Stage.ASSESSMENT
    if audit.assessment == Verdict.PASS and not audit.acceptance:
        return Stage.ACCEPTANCE
    return None


def may_apply(user, audit: Audit) -> bool:
    """Only the enterprise's approved signatory applies."""
    return access.signatory_grant(user, audit.enterprise_id) is not None


def refusal(user, audit: Audit) -> str:
    """Why `user` cannot apply for `audit` now ("" when they can)."""
    if not may_apply(user, audit):
        return _("Only the enterprise's approved signatory applies for assessment or acceptance.")
    stage = stage_due(audit)
    if stage is None:
        return _(
            "This audit cannot apply now: assessment follows its eight steps, acceptance a "
            "passed assessment."
        )
    if audit.applications.filter(stage=stage, status=ApplicationStatus.SUBMITTED).exists():
        return _("This audit has an application for this stage waiting already.")
    return ""


def apply(audit: Audit, user, report, performance, note: str = "") -> AuditApplication:
    """The application with its two documents, written whole, or ValidationError."""
    refused = refusal(user, audit)
    if refused:
        raise ValidationError(refused)
    try:
        with transaction.atomic():
            application = AuditApplication(
                audit=audit, stage=stage_due(audit), submitted_by=user, note=note
            )
            application.stamp(user)
            application.save()
            for kind, upload in (
                (DocumentKind.REPORT, report),
                (DocumentKind.PERFORMANCE, performance),
            ):
                document = ApplicationDocument(
                    application=application,
                    kind=kind,
                    file=upload,
                    filename=upload.name[:200],
                    content_type=upload.checked_content_type,
                    size_bytes=upload.size,
                )
                document.stamp(user)
                document.save()
    except IntegrityError:
        raise ValidationError(
            _("This audit has an application for this stage waiting already.")
        ) from None
    return application


def decide(application: AuditApplication, user, accept: bool, reason: str = "") -> None:
    """The office accepts the application for review, or returns it with a reason."""
    reason = (reason or "").strip()
    if not user.has_perm(ASSESS):
        raise ValidationError(_("Only the programme office decides on applications."))
    if not accept and not reason:
        raise ValidationError(_("Give the reason for returning the application."))
    with transaction.atomic():
        current = AuditApplication.objects.select_for_update().get(pk=application.pk)
        if current.status != ApplicationStatus.SUBMITTED:
            raise ValidationError(_("This application was decided already."))
        current.status = ApplicationStatus.ACCEPTED if accept else ApplicationStatus.RETURNED
        current.return_reason = "" if accept else reason
        current.decided_by, current.decided_at = user, timezone.now()
        current.stamp(user)
        current.save()
    application.refresh_from_db()


def waiting(user, today):
    """The applications waiting for the office's decision, the oldest first."""
    applications = AuditApplication.objects.filter(status=ApplicationStatus.SUBMITTED)
    found = list(
        applications.select_related("audit__enterprise").order_by("submitted_at")[: worklist.LIMIT]
    )
    total = len(found) if len(found) < worklist.LIMIT else applications.count()
    items = [
        WorkItem(
            kind="portal.applications",
            title=f"{a.audit.ref} · {a.audit.enterprise.code} {a.audit.enterprise.display_name}",
            url=reverse("portal:application", args=[a.pk]),
            detail=_("Applies for %(stage)s; submitted %(date)s")
            % {
                "stage": a.get_stage_display(),
                "date": timezone.localtime(a.submitted_at).date().isoformat(),
            },
        )
        for a in found
    ]
    return Batch(items, total=total)


# Registered by the app's ready() (registry.worklist).
QUEUES = (
    worklist.Queue(
        "portal.applications",
        waiting,
        label=gettext_lazy("Applications for assessment or acceptance"),
        order=64,
        empty=gettext_lazy("No enterprise's application is waiting."),
        applies=worklist.may("audits.view_audit", ASSESS),
    ),
)
