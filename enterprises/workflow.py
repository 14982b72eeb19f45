"""The life of a discharge report: entering values, submit, verify, return, unlock.

    draft ──submit──▶ submitted ──verify──▶ verified (locked)
      ▲                   │                     │
      │                return (reason)     unlock (administrator, reason)
      │                   ▼                     ▼
      └──── edits ─── returned ──submit──▶  submitted

Every function here runs in one transaction, re-reads the report's status under a row
lock, refuses what the status does not allow (TransitionRefused, a ValidationError), and
records the step in the report's history with a reason. The model refuses any change to a
verified report (ReportLocked) below all of this.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises import ledger
from enterprises.choices import ReportStatus
from enterprises.models import (
    DischargeReport,
    DischargeValue,
    Pollutant,
    ReportLocked,
    ReportUnlock,
)
from enterprises.reliability_store import refresh_reports
from enterprises.signals import announce


class TransitionRefused(ValidationError):
    """The report's status does not allow this step."""


@dataclass(frozen=True)
class ValueRow:
    pollutant: Pollutant
    amount: Decimal
    basis: str


def _fresh(report: DischargeReport) -> DischargeReport:
    """The report as stored, its row locked until the transaction ends."""
    return (
        DischargeReport.objects.select_for_update().select_related("enterprise").get(pk=report.pk)
    )


def _require(user, permission: str) -> None:
    if user is not None and not user.has_perm(permission):
        raise PermissionDenied


def save_report(
    report: DischargeReport,
    rows: Iterable[ValueRow],
    user,
    *,
    replace: bool = True,
) -> DischargeReport:
    """Store the report's header and its values, then recompute its flags and grade.

    With `replace`, pollutants not in `rows` are removed from the report (the grid sends
    every row); without it, other values are kept (an import adds and updates).
    """
    with transaction.atomic():
        if report.pk is not None:
            stored = _fresh(report)
            if stored.is_locked:
                raise ReportLocked(stored)
        report.stamp(user)
        report.save()
        existing = {value.pollutant_id: value for value in report.values.all()}
        kept = set()
        for row in rows:
            kept.add(row.pollutant.pk)
            value = existing.get(row.pollutant.pk)
            if value is None:
                DischargeValue.objects.create(
                    report=report, pollutant=row.pollutant, amount=row.amount, basis=row.basis
                )
            elif value.amount != row.amount or value.basis != row.basis:
                value.amount, value.basis = row.amount, row.basis
                value.save()
        if replace:
            for pollutant_id, value in existing.items():
                if pollutant_id not in kept:
                    value.delete()
        refresh_reports([report.pk])
        ledger.refresh({(report.enterprise_id, report.year)})
        announce(report.year)
    report.refresh_from_db(fields=["grade"])
    return report


# The history keeps the step as a code (shown in the reader's language) and the user's reason.
STEPS = ("submit", "verify", "return", "unlock")


def _step(report: DischargeReport, step: str, reason: str = "") -> None:
    # simple_history keeps 100 characters; the full reason stays on the report or the unlock.
    text = f"{step}: {reason}" if reason else step
    report._change_reason = text if len(text) <= 100 else text[:99] + "…"
    report.save()
    ledger.refresh({(report.enterprise_id, report.year)})
    announce(report.year)


def submit(report: DischargeReport, user) -> DischargeReport:
    """A draft or returned report goes to the EPB for verification."""
    _require(user, "enterprises.change_dischargereport")
    with transaction.atomic():
        stored = _fresh(report)
        if stored.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
            raise TransitionRefused(
                _("Only a draft or returned report can be submitted; this one is %(status)s.")
                % {"status": stored.get_status_display()}
            )
        if not stored.values.exists():
            raise TransitionRefused(_("A report without values cannot be submitted."))
        stored.status = ReportStatus.SUBMITTED
        stored.submitted_at, stored.submitted_by = timezone.now(), user
        stored.stamp(user)
        _step(stored, "submit")
        refresh_reports([stored.pk])
    return stored


def verify(report: DischargeReport, user) -> DischargeReport:
    """The EPB accepts a submitted report; from now on it is locked."""
    _require(user, "enterprises.verify_dischargereport")
    with transaction.atomic():
        stored = _fresh(report)
        if stored.status != ReportStatus.SUBMITTED:
            raise TransitionRefused(
                _("Only a submitted report can be verified; this one is %(status)s.")
                % {"status": stored.get_status_display()}
            )
        stored.status = ReportStatus.VERIFIED
        stored.verified_at, stored.verified_by = timezone.now(), user
        stored.stamp(user)
        _step(stored, "verify")
    return stored


def return_report(report: DischargeReport, user, reason: str) -> DischargeReport:
    """The EPB sends a submitted report back to the enterprise, saying why."""
    _require(user, "enterprises.verify_dischargereport")
    reason = (reason or "").strip()
    if not reason:
        raise TransitionRefused(_("Say why the report is returned."))
    with transaction.atomic():
        stored = _fresh(report)
        if stored.status != ReportStatus.SUBMITTED:
            raise TransitionRefused(
                _("Only a submitted report can be returned; this one is %(status)s.")
                % {"status": stored.get_status_display()}
            )
        stored.status = ReportStatus.RETURNED
        stored.returned_at, stored.returned_by = timezone.now(), user
        stored.return_reason = reason
        stored.stamp(user)
        _step(stored, "return", reason)
    return stored


def unlock(report: DischargeReport, user, reason: str) -> DischargeReport:
    """An administrator reopens a verified report; it goes back to submitted.

    The unlock is kept twice: as a ReportUnlock row (who, when, why) and in the report's
    history with the reason.
    """
    _require(user, "enterprises.unlock_dischargereport")
    reason = (reason or "").strip()
    if not reason:
        raise TransitionRefused(_("An unlock needs a reason."))
    with transaction.atomic():
        stored = _fresh(report)
        if stored.status != ReportStatus.VERIFIED:
            raise TransitionRefused(
                _("Only a verified report can be unlocked; this one is %(status)s.")
                % {"status": stored.get_status_display()}
            )
        ReportUnlock.objects.create(report=stored, unlocked_by=user, reason=reason)
        stored.status = ReportStatus.SUBMITTED
        stored.verified_at = stored.verified_by = None
        stored.stamp(user)
        stored._unlocking = True
        try:
            _step(stored, "unlock", reason)
        finally:
            stored._unlocking = False
    return stored
