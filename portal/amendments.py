"""Amendments: a signed submission never changes (portal/locks.py); a correction is the next
version of the report, started by the enterprise with a reason and signed again.

The versions of a report are its signatures, numbered 1, 2, ... (unique per report in the
database); version n > 1 has its `Amendment` with the reason. The differences between two
versions are read from what was signed (each signature's canonical JSON), value by value.
"""

import json
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _

from benxi_cp import scoping
from benxi_cp.units import unit_label
from enterprises import workflow
from enterprises.choices import ReportStatus
from enterprises.models import DischargeReport, Pollutant
from portal.models import Amendment, Signature


def open_amendment(report: DischargeReport) -> Amendment | None:
    """The amendment started and not yet signed, if any."""
    return Amendment.objects.filter(report=report, signature__isnull=True).first()


def next_number(report: DischargeReport) -> int:
    """The version the report's next signature will be."""
    last = report.signatures.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


def refusal(user, report: DischargeReport) -> str:
    """Why the user may not start an amendment of the report now ("" when they may)."""
    if not scoping.may_enter(user, report.enterprise_id):
        return _("Only the enterprise's preparers and signatories amend its reports.")
    if not report.signatures.exists():
        return _("Only a signed report is amended; this one was never signed.")
    if open_amendment(report) is not None:
        return _("An amendment of this report is open already: correct it and sign it.")
    if report.status == ReportStatus.VERIFIED:
        return _("The EPB verified this report; ask the EPB to unlock it before amending it.")
    if report.status not in (ReportStatus.SUBMITTED, ReportStatus.RETURNED):
        return _("Only a submitted or returned report is amended; this one is %(status)s.") % {
            "status": report.get_status_display()
        }
    return ""


def start(report: DischargeReport, user, reason: str) -> Amendment:
    """Start the amendment: the report becomes a draft again, to be corrected and signed as
    the next version; or refuse with a message (nothing changed)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the report is amended."), code="reason")
    if refused := refusal(user, report):
        raise ValidationError(refused, code="refused")
    amendment = Amendment(reason=reason)
    amendment.stamp(user)

    def record(stored: DischargeReport) -> None:
        amendment.report = stored
        amendment.number = next_number(stored)
        amendment.save()

    try:
        workflow.take_back(report, user, reason, then=record)
    except IntegrityError:  # another amendment of the report started meanwhile
        raise ValidationError(
            _("An amendment of this report is open already: correct it and sign it."),
            code="open",
        ) from None
    return amendment


def versions(report: DischargeReport) -> list[Signature]:
    """The report's signed versions, the first first, each with its amendment (or None) and
    `entered_by`: who had entered the values it certifies (the report's history as it stood
    when it was signed)."""
    signatures = sorted(
        report.signatures.select_related("signer", "grant", "amendment", "copy"),
        key=lambda signature: signature.number,
    )
    if signatures:
        _entered_by(report, signatures)
    return signatures


def _entered_by(report: DischargeReport, signatures: list[Signature]) -> None:
    """Set each signature's `entered_by` from the report's history: two queries."""
    rows = list(
        report.history.filter(history_date__lte=signatures[-1].signed_at)
        .order_by("history_date", "history_id")
        .values_list("history_date", "entered_by_id")
    )
    users = {
        user.pk: user
        for user in User.objects.filter(pk__in={pk for _when, pk in rows if pk is not None})
    }
    for signature in signatures:
        entered = [pk for when, pk in rows if when <= signature.signed_at]
        signature.entered_by = users.get(entered[-1]) if entered else None


@dataclass(frozen=True)
class Difference:
    pollutant: str  # the pollutant's name (or the output value's label)
    unit: str
    period: str
    old: str | None  # as signed; None where the version has no such value
    new: str | None


def _amounts(signature: Signature) -> tuple[dict, str]:
    data = json.loads(signature.document)
    amounts = {row["pollutant"]: (row["amount"], row["unit"]) for row in data.get("values", [])}
    return {"": (data.get("output_10k_yuan"), ""), **amounts}, data.get("period", "")


def differences(old: Signature, new: Signature) -> list[Difference]:
    """What changed between two signed versions, value by value: each pollutant (and the
    output value) whose amount differs, was added or was removed."""
    before, period = _amounts(old)
    after, new_period = _amounts(new)
    codes = sorted(set(before) | set(after))
    names = {p.code: p for p in Pollutant.objects.filter(code__in=codes)}
    rows = []
    for code in codes:
        old_amount, unit = before.get(code, (None, ""))
        new_amount, new_unit = after.get(code, (None, ""))
        if old_amount == new_amount:
            continue
        if code:
            label = names[code].display_name if code in names else code
        else:
            label = _("output value (10k yuan)")
        rows.append(
            Difference(
                label, unit_label(new_unit or unit), new_period or period, old_amount, new_amount
            )
        )
    return rows
