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

Separation of duties: whoever created a report, last saved its values or submitted it may
not verify it (DutiesRefused), unless the deployment allows it (BENXI_ALLOW_SELF_VERIFY).
The rule lives here, so every path obeys it: the report page, the selection on the list,
the admin, the API. `DischargeReportQuerySet.to_verify_by` is the same rule for lists.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises import ledger, locks
from enterprises.choices import Grade, ReportStatus
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


class DutiesRefused(TransitionRefused):
    """The user entered or submitted the report, and so may not verify it."""


class SelectionRefused(TransitionRefused):
    """Some reports of a selection may not be verified: none of them was.

    `refused` lists (report, reason); the messages name each report with its reason."""

    def __init__(self, refused: list[tuple[DischargeReport, str]]):
        self.refused = refused
        super().__init__([f"{report}: {reason}" for report, reason in refused])


# A selection is verified at once only when the checks found little to doubt; a report of
# grade C or D is verified on its own, after its flags were looked at.
SELECTION_GRADES = (Grade.A, Grade.B)
# A selection is a page or a few of the list, not the whole register.
SELECTION_MAX = 200


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
    if user is not None and user.is_authenticated:
        report.entered_by = user
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
    # Computed targets read verified figures and each year's state: a draft's new amount
    # moves neither, and their recomputation (a tenth of a save at province scale) is spared.
    if ledger.refresh({(report.enterprise_id, report.year)}):
        announce(report.year)


# The history keeps the step as a code (shown in the reader's language) and the user's reason.
STEPS = ("submit", "verify", "return", "unlock", "amend")


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


def submit_certified(report: DischargeReport, user, then=None) -> DischargeReport:
    """A draft or returned report submitted by the signatory who certified it (the enterprise
    portal checks their grant, password and second factor, and no permission of the EPB's
    is asked); `then(stored)` runs in the same transaction (it records the signature)."""

    def work():
        stored = _submit(report, user)
        if then is not None:
            then(stored)
        return stored

    return locks.run_in_transaction(work, report=report)


def take_back(report: DischargeReport, user, reason: str, then=None) -> DischargeReport:
    """The enterprise takes its submitted (not yet verified) or returned report back to
    correct it, saying why: it is a draft again, to be submitted anew (the enterprise portal
    checks the user's grant; no permission of the EPB's is asked). `then(stored)` runs in
    the same transaction (it records the amendment)."""
    reason = (reason or "").strip()
    if not reason:
        raise TransitionRefused(_("Say why the report is amended."))

    def work():
        stored = _fresh(report)
        if stored.status not in (ReportStatus.SUBMITTED, ReportStatus.RETURNED):
            raise TransitionRefused(
                _("Only a submitted or returned report is amended; this one is %(status)s.")
                % {"status": stored.get_status_display()}
            )
        stored.status = ReportStatus.DRAFT
        stored.stamp(user)
        _step(stored, "amend", reason)
        if then is not None:
            then(stored)
        return stored

    return locks.run_in_transaction(work, report=report)


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


def duties_refusal(report: DischargeReport, user) -> str:
    """Why `user` may not verify `report` by the separation of duties, or "" if they may."""
    if settings.BENXI_ALLOW_SELF_VERIFY or user is None or not user.is_authenticated:
        return ""
    if user.pk in (report.created_by_id, report.entered_by_id):
        return _("You entered this report's values; another member of the EPB must verify it.")
    if user.pk == report.submitted_by_id:
        return _("You submitted this report; another member of the EPB must verify it.")
    return ""


def _status_refusal(report: DischargeReport) -> str:
    if report.status != ReportStatus.SUBMITTED:
        return _("Only a submitted report can be verified; this one is %(status)s.") % {
            "status": report.get_status_display()
        }
    return ""


def verify_refusal(report: DischargeReport, user) -> str:
    """Why `user` may not verify `report` as it stands (status, duties), or "" if they may.

    For pages that offer the step; verify() checks again under the reports' lock."""
    return _status_refusal(report) or duties_refusal(report, user)


def _verify(report: DischargeReport, user) -> DischargeReport:
    stored = _fresh(report)
    if refusal := _status_refusal(stored):
        raise TransitionRefused(refusal)
    if refusal := duties_refusal(stored, user):
        raise DutiesRefused(refusal, code="duties")
    _mark_verified(stored, user, timezone.now())
    return stored


def _mark_verified(stored: DischargeReport, user, when) -> None:
    stored.status = ReportStatus.VERIFIED
    stored.verified_at, stored.verified_by = when, user
    stored.stamp(user)
    _step(stored, "verify")


def selection_refusal(report: DischargeReport, user) -> str:
    """Why `report` cannot be verified as part of a selection by `user`, or ""."""
    if refusal := verify_refusal(report, user):
        return refusal
    if report.grade not in SELECTION_GRADES:
        return _("grade %(grade)s: verify it on its own, after looking at its flags.") % {
            "grade": report.grade or "—"
        }
    return ""


def verify_selection(report_ids: Iterable[int], user) -> list[DischargeReport]:
    """Verify several submitted reports of grade A or B at once: all of them or none.

    Each one is checked under the reports' lock for its status, its grade and the
    separation of duties; if any is refused, nothing is verified and SelectionRefused
    lists every refused report with its reason."""
    _require(user, "enterprises.verify_dischargereport")
    ids = sorted({int(pk) for pk in report_ids})
    if not ids:
        raise TransitionRefused(_("Choose the reports to verify."))
    if len(ids) > SELECTION_MAX:
        raise TransitionRefused(
            _("Choose at most %(max)s reports at once; nothing was verified.")
            % {"max": SELECTION_MAX}
        )
    return locks.run_in_transaction(lambda: _verify_selection(ids, user))


def _verify_selection(ids: list[int], user) -> list[DischargeReport]:
    reports = DischargeReport.objects.filter(pk__in=ids)
    locks.lock_pairs(set(reports.order_by().values_list("enterprise_id", "year")))
    stored = list(
        reports.select_related("enterprise").order_by(
            "enterprise__code", "year", "period_kind", "period_number"
        )
    )
    if len(stored) != len(ids):
        raise TransitionRefused(
            _("Some of the chosen reports no longer exist; nothing was verified.")
        )
    refused = [(report, reason) for report in stored if (reason := selection_refusal(report, user))]
    if refused:
        raise SelectionRefused(refused)
    now = timezone.now()
    for report in stored:
        _mark_verified(report, user, now)
    return stored


def next_to_verify(user, after: DischargeReport | None = None) -> DischargeReport | None:
    """The oldest submitted report `user` may verify (other than `after`): "verify next"."""
    reports = DischargeReport.objects.to_verify_by(user).select_related("enterprise")
    if after is not None:
        reports = reports.exclude(pk=after.pk)
    return reports.first()


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
