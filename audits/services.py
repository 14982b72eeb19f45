"""What follows from an audit's records: its step count and its enterprise's CP status.

The enterprises app knows nothing of audits; this module keeps `Enterprise.cp_status`
up to date from the enterprise's audits, and `Audit.steps_completed` from the steps.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.choices import StepStatus, Verdict
from audits.models import Audit, AuditStep, AuditUnlock, Option, OptionReduction
from audits.programme import accepted_q, demonstration_q
from enterprises.choices import CpStatus
from enterprises.models import Enterprise, Pollutant


def cp_status_of(enterprise_id: int) -> str:
    """none → auditing → assessed (passed) → accepted (passed) → demonstration."""
    counts = Audit.objects.filter(enterprise_id=enterprise_id).aggregate(
        audits=Count("pk"),
        demonstration=Count("pk", filter=demonstration_q(None)),
        accepted=Count("pk", filter=accepted_q(None)),
        assessed=Count("pk", filter=Q(assessment=Verdict.PASS)),
    )
    if counts["demonstration"]:
        return CpStatus.DEMONSTRATION
    if counts["accepted"]:
        return CpStatus.ACCEPTED
    if counts["assessed"]:
        return CpStatus.ASSESSED
    if counts["audits"]:
        return CpStatus.AUDITING
    return CpStatus.NONE


def refresh_cp_status(enterprise_ids: Iterable[int]) -> None:
    """Store each enterprise's CP status as its audits now say.

    A queryset update: the status is derived, so it neither bumps the enterprise's
    `updated` stamp nor writes a history row.
    """
    for enterprise_id in {pk for pk in enterprise_ids if pk is not None}:
        status = cp_status_of(enterprise_id)
        Enterprise.objects.filter(pk=enterprise_id).exclude(cp_status=status).update(
            cp_status=status
        )


def sync_steps_completed(audit: Audit) -> int:
    """Store how many steps are completed (they complete in order, so it is a prefix)."""
    count = audit.steps.filter(status=StepStatus.COMPLETED).count()
    if count != audit.steps_completed:
        audit.steps_completed = count
        audit.save(update_fields=["steps_completed", "updated"])
    return count


def set_steps_completed(audit: Audit, count: int) -> None:
    """Make the first `count` steps completed and the others not (an import says how many).

    Dates and checklists already recorded are kept; a step that is no longer completed
    loses its completion date and is back in progress.
    """
    changed = []
    for step in audit.steps.all():
        if step.number <= count and step.status != StepStatus.COMPLETED:
            step.status = StepStatus.COMPLETED
            changed.append(step)
        elif step.number > count and step.status == StepStatus.COMPLETED:
            step.status = StepStatus.IN_PROGRESS
            step.completed_on = None
            changed.append(step)
    AuditStep.objects.bulk_update(changed, ["status", "completed_on"])


def set_reductions(option: Option, amounts: dict[Pollutant, Decimal | None]) -> None:
    """Write the option's annual reduction of each pollutant given; None removes it.
    Pollutants not in `amounts` keep what they have."""
    stored = {r.pollutant_id: r for r in option.reductions.all()}
    for pollutant, amount in amounts.items():
        current = stored.get(pollutant.pk)
        if amount is None:
            if current is not None:
                current.delete()
        elif current is None:
            OptionReduction.objects.create(
                option=option, pollutant=pollutant, amount_per_year=amount
            )
        elif current.amount_per_year != amount:
            current.amount_per_year = amount
            current.save(update_fields=["amount_per_year"])


class UnlockRefused(ValidationError):
    pass


def unlock_audit(audit: Audit, user, reason: str) -> AuditUnlock:
    """An administrator opens an accepted audit for changes, with a reason; the unlock
    (who, when, why) is kept, and the audit's history notes it."""
    if not user.has_perm("audits.unlock_audit"):
        raise UnlockRefused(_("Only an administrator may unlock an accepted audit."))
    reason = (reason or "").strip()
    if not reason:
        raise UnlockRefused(_("An unlock needs a reason."))
    with transaction.atomic():
        stored = Audit.objects.select_for_update().get(pk=audit.pk)
        if stored.acceptance != Verdict.PASS:
            raise UnlockRefused(_("Only an accepted audit is locked; this one is not."))
        if stored.unlocks.filter(relocked_at__isnull=True).exists():
            raise UnlockRefused(_("The audit is already unlocked."))
        unlock = AuditUnlock.objects.create(audit=stored, unlocked_by=user, reason=reason)
    audit.forget_lock()
    return unlock


def relock_audit(audit: Audit, user) -> AuditUnlock:
    """Close the audit's open unlock: it is locked again."""
    if not user.has_perm("audits.unlock_audit"):
        raise UnlockRefused(_("Only an administrator may unlock an accepted audit."))
    with transaction.atomic():
        unlock = (
            AuditUnlock.objects.select_for_update()
            .filter(audit_id=audit.pk, relocked_at__isnull=True)
            .first()
        )
        if unlock is None:
            raise UnlockRefused(_("The audit is not unlocked."))
        unlock.relocked_at = timezone.now()
        unlock.relocked_by = user
        unlock.save(update_fields=["relocked_at", "relocked_by"])
    audit.forget_lock()
    return unlock
