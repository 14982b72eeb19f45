"""The life of a discharge report: entering values, submit, verify, return, unlock.

    draft ──submit──▶ submitted ──verify──▶ verified (locked)
      ▲                   │                     │
      │                return (reason)     unlock (administrator, reason)
      │                   ▼                     ▼
      └──── edits ─── returned ──submit──▶  submitted

Every function here runs in one transaction, first locks the reports of the report's
enterprise and year (enterprises/locks.py: one lock order for every writer, so that two
users saving the same enterprise wait for each other and never deadlock), re-reads the
report's status under that lock, refuses what the status does not allow
(TransitionRefused, a ValidationError), and records the step in the report's history with
a reason. A collision that still happens is retried once, then WriteConflict ("please try
again"). The model refuses any change to a verified report (ReportLocked), and the
database refuses it below the model.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises import ledger, locks
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
    """The report as stored, with the reports of its enterprise and year locked (its own
    row among them) until the transaction ends."""
    locks.lock_pairs([(report.enterprise_id, report.year)])
    return DischargeReport.objects.select_related("enterprise").get(pk=report.pk)


def _require(user, permission: str) -> None:
    if user is not None and not user.has_perm(permission):
        raise PermissionDenied


def save_report(
    report: DischargeReport,
    rows: Iterable[ValueRow],
    user,
    *,
    replace: bool = True,
    read_version: int | None = None,
) -> DischargeReport:
    """Store the report's header and its values, then recompute its flags and grade.

    With `replace`, pollutants not in `rows` are removed from the report (the grid sends
    every row); without it, other values are kept (an import adds and updates). A report
    that someone else created meanwhile (this one has no key yet) is not overwritten:
    WriteConflict, the user sees it and saves again.

    With `read_version` (the entry grid's: the report's version when the grid was opened, 0
    for a report not stored then), a report saved by anyone since is not overwritten:
    EditConflict, decided in the database under the report's lock (VersionedModel.save).
    """
    rows = list(rows)
    key, adding = report.pk, report._state.adding

    def attempt() -> None:
        report.pk, report._state.adding = key, adding  # as before a failed attempt
        if read_version is not None:
            report.expect_version(read_version)
        _save(report, rows, user, replace)

    locks.run_in_transaction(attempt, report=report)
    report.refresh_from_db(fields=["grade"])
    return report


def _save(report: DischargeReport, rows: list[ValueRow], user, replace: bool) -> None:
    locked = locks.lock_pairs([(report.enterprise_id, report.year)])
    if report.pk is not None:
        if any(row.pk == report.pk and row.status == ReportStatus.VERIFIED for row in locked):
            raise ReportLocked(report)
    elif any(
        (row.period_kind, row.period_number) == (report.period_kind, report.period_number)
        for row in locked
    ):
        raise locks.WriteConflict()
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
    return locks.run_in_transaction(lambda: _submit(report, user), report=report)


def _submit(report: DischargeReport, user) -> DischargeReport:
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
    return locks.run_in_transaction(lambda: _verify(report, user), report=report)


def _verify(report: DischargeReport, user) -> DischargeReport:
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
    return locks.run_in_transaction(lambda: _return(report, user, reason), report=report)


def _return(report: DischargeReport, user, reason: str) -> DischargeReport:
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
    return locks.run_in_transaction(lambda: _unlock(report, user, reason), report=report)


def _unlock(report: DischargeReport, user, reason: str) -> DischargeReport:
    stored = _fresh(report)
    if stored.status != ReportStatus.VERIFIED:
        raise TransitionRefused(
            _("Only a verified report can be unlocked; this one is %(status)s.")
            % {"status": stored.get_status_display()}
        )
    # Pending: the database lets the verified report change by consuming it (locks.py).
    ReportUnlock.objects.create(report=stored, unlocked_by=user, reason=reason, pending=True)
    stored.status = ReportStatus.SUBMITTED
    stored.verified_at = stored.verified_by = None
    stored.stamp(user)
    stored._unlocking = True
    try:
        _step(stored, "unlock", reason)
    finally:
        stored._unlocking = False
    return stored
