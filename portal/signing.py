"""Signing a discharge report: the submission by the enterprise's signatory.

The signatory sees the exact document and the certification statement, re-enters their
password and a time-based one-time code (django-otp TOTP; a code is never accepted twice),
and the report is submitted with a `Signature`: signer, grant, time, address, browser, the
canonical JSON of the document with its SHA-256, the statement's version and the method.
MAX_SIGNING_FAILURES wrong attempts in a row lock signing for that person until the EPB
unlocks it; a revoked or unapproved grant signs nothing. An acknowledgement e-mail names the
document, the signatory, the time received and the hash.
"""

import hashlib
import json
import logging

import segno
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from enterprises import workflow
from enterprises.choices import ReportStatus, Severity
from enterprises.models import DischargeReport
from portal import access, amendments, copies
from portal.models import (
    MAX_SIGNING_FAILURES,
    STATEMENT_VERSION,
    STATEMENTS,
    Grant,
    Signature,
)

logger = logging.getLogger(__name__)

METHOD = "password+totp"
RECOVERY_METHOD = "password+recovery_code"
RECOVERY_CODES = 10


def statement() -> str:
    return str(STATEMENTS[STATEMENT_VERSION])


def signing_grant(user, report: DischargeReport) -> Grant | None:
    """The user's grant that lets them sign this report: active, signatory, its enterprise."""
    return access.signatory_grant(user, report.enterprise_id)


def serious_flags(report: DischargeReport) -> list:
    return list(
        report.flags.filter(severity=Severity.SERIOUS).select_related("pollutant").order_by("id")
    )


def document(report: DischargeReport, explanations: dict[int, str] | None = None) -> dict:
    """What is signed: the report's enterprise, period, values with their units and bases,
    and the reliability flags found (with the signatory's explanations of the serious ones,
    when given), in a form independent of the reader's language."""
    values = report.values.select_related("pollutant").order_by("pollutant__code")
    flags = report.flags.select_related("pollutant").order_by("code", "pollutant__code", "id")
    explained = explanations or {}
    amendment = amendments.open_amendment(report)
    return {
        "version": amendments.next_number(report),
        **({"amendment_reason": amendment.reason} if amendment is not None else {}),
        "enterprise": {"code": report.enterprise.code, "name": report.enterprise.name},
        "year": report.year,
        "period": report.period_label,
        "output_10k_yuan": _number(report.output_10k_yuan),
        "values": [
            {
                "pollutant": value.pollutant.code,
                "amount": _number(value.amount),
                "unit": value.pollutant.unit,
                "basis": value.basis,
            }
            for value in values
        ],
        "flags": [
            {
                "code": flag.code,
                "severity": flag.severity,
                "pollutant": flag.pollutant.code if flag.pollutant else None,
                "params": flag.params,
                **({"explanation": explained[flag.pk]} if flag.pk in explained else {}),
            }
            for flag in flags
        ],
        "statement_version": STATEMENT_VERSION,
    }


def _number(value) -> str | None:
    """A decimal as the same text on every database: no exponent, no trailing zeros."""
    return None if value is None else f"{value.normalize():f}"


def canonical(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# The second factor ------------------------------------------------------------------------


def device_of(user, confirmed: bool | None = True) -> TOTPDevice | None:
    devices = TOTPDevice.objects.filter(user=user)
    if confirmed is not None:
        devices = devices.filter(confirmed=confirmed)
    return devices.order_by("pk").first()


def enrolment_device(user) -> TOTPDevice:
    """The user's unconfirmed device to enrol (made when there is none)."""
    device = device_of(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Benxi CP", confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as a QR code, drawn by the app (an inline SVG)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, omitsize=False)


def confirm(device: TOTPDevice, code: str) -> list[str]:
    """Confirm the enrolled device with a code it shows; returns new recovery codes (each
    good once, for signing when the phone is lost), shown to the user this once."""
    if not device.verify_token((code or "").strip()):
        raise ValidationError(_("This code is not right; try the current one."), code="code")
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=device.user).delete()
    recovery = StaticDevice.objects.create(user=device.user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _n in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    return codes


def second_factor(user, code: str) -> str | None:
    """The method of the code if it is right: a one-time code of the user's authenticator,
    or one of their recovery codes (each is used up); None otherwise."""
    code = (code or "").strip()
    device = device_of(user)
    if device is not None and code.isdigit() and device.verify_token(code):
        return METHOD
    recovery = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if recovery is not None and not code.isdigit() and recovery.verify_token(code):
        return RECOVERY_METHOD
    return None


# Signing ----------------------------------------------------------------------------------


def _fail(grant: Grant, message: str) -> ValidationError:
    Grant.objects.filter(pk=grant.pk).update(signing_failures=F("signing_failures") + 1)
    grant.refresh_from_db(fields=["signing_failures"])
    if grant.signing_locked:
        message = _(
            "%(message)s Signing is now locked after %(count)s failed attempts; the EPB unlocks it."
        ) % {"message": message, "count": MAX_SIGNING_FAILURES}
    return ValidationError(message, code="failed")


def refusal(user, report: DischargeReport) -> str:
    """Why the user may not sign the report now ("" when they may)."""
    grant = signing_grant(user, report)
    if grant is None:
        return _("Only an approved signatory of the enterprise signs its reports.")
    if grant.signing_locked:
        return _("Signing is locked after %(count)s failed attempts; ask the EPB to unlock it.") % {
            "count": MAX_SIGNING_FAILURES
        }
    if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        return _("Only a draft or returned report is signed; this one is %(status)s.") % {
            "status": report.get_status_display()
        }
    if report.signatures.exists() and amendments.open_amendment(report) is None:
        return _(
            "This report was signed already; a correction is an amendment: start it with "
            "its reason, then sign the new version."
        )
    if device_of(user) is None:
        return _("Set up your one-time codes first.")
    return ""


def sign(
    report: DischargeReport,
    user,
    password: str,
    code: str,
    shown_sha256: str,
    ip_address: str | None = None,
    user_agent: str = "",
    explanations: dict[int, str] | None = None,
    make_copy: bool = True,
) -> Signature:
    """Sign and submit the report, or refuse with a message (nothing changed but the count
    of failed attempts). Without `make_copy` (the demo's), the copy of record is made on its
    first download (copies.copy_of)."""
    refused = refusal(user, report)
    if refused:
        raise ValidationError(refused, code="refused")
    grant = signing_grant(user, report)
    if not user.check_password(password or ""):
        raise _fail(grant, _("The password is not right."))
    method = second_factor(user, code)
    if method is None:
        raise _fail(grant, _("The one-time code is not right, or was used already."))
    if digest(canonical(document(report))) != shown_sha256:
        raise ValidationError(
            _("The report changed since you opened it; read it again before signing."),
            code="changed",
        )
    explanations = {pk: (text or "").strip() for pk, text in (explanations or {}).items()}
    if any(not explanations.get(flag.pk) for flag in serious_flags(report)):
        raise ValidationError(_("Explain every serious flag before signing."), code="unexplained")
    signed = document(report, explanations)
    text = canonical(signed)
    amendment = amendments.open_amendment(report)
    signature = Signature(
        number=signed["version"],
        grant=grant,
        signer=user,
        ip_address=ip_address,
        user_agent=(user_agent or "")[:300],
        document=text,
        document_sha256=digest(text),
        statement_version=STATEMENT_VERSION,
        method=method,
    )

    def record(stored: DischargeReport) -> None:
        signature.report = stored
        signature.signed_at = stored.submitted_at or timezone.now()
        signature.save()
        if amendment is not None:
            amendment.signature = signature
            amendment.save(update_fields=["signature", "updated"])
        Grant.objects.filter(pk=grant.pk).update(signing_failures=0)

    workflow.submit_certified(report, user, then=record)
    # The copy of record is made once the signature is stored; were it to fail, the first
    # download makes it (copies.copy_of).
    try:
        if make_copy:
            copies.copy_of(signature)
    except Exception:  # the submission stands; the copy is made again on its first download
        logger.exception("The copy of record of signature %s was not made", signature.pk)
    acknowledge(signature)
    return signature


# The enterprise's registered contact address reads its acknowledgement in Chinese.
CONTACT_LANGUAGE = "zh-hans"


def acknowledgement_recipients(signature: Signature) -> list[tuple[str, str | None]]:
    """(address, language) of each acknowledgement: the signatory, in the language they
    signed in (the active one), and the enterprise's registered contact address (when the
    register has one), in Chinese; an address is written to once."""
    recipients: list[tuple[str, str | None]] = []
    if signature.signer.email:
        recipients.append((signature.signer.email, translation.get_language()))
    contact = signature.report.enterprise.contact_email
    if contact and contact.lower() not in {address.lower() for address, _lang in recipients}:
        recipients.append((contact, CONTACT_LANGUAGE))
    return recipients


def acknowledge(signature: Signature) -> None:
    """The acknowledgement, one e-mail per recipient in their language: it names the
    document, the signatory, the time received and the hash."""
    report = signature.report
    for address, language in acknowledgement_recipients(signature):
        with translation.override(language):
            send_mail(
                _("Benxi CP: received %(report)s") % {"report": report},
                acknowledgement_text(signature),
                None,
                [address],
            )


def acknowledgement_text(signature: Signature) -> str:
    report = signature.report
    return _(
        "The EPB received the discharge report %(report)s of %(enterprise)s, signed by "
        "%(signer)s at %(time)s.\n\nSHA-256 of the document signed: %(hash)s\n"
        "Certification statement: version %(version)s."
    ) % {
        "report": report.period_label,
        "enterprise": report.enterprise,
        "signer": signature.signer.get_full_name() or signature.signer.username,
        "time": timezone.localtime(signature.signed_at).strftime("%Y-%m-%d %H:%M:%S"),
        "hash": signature.document_sha256,
        "version": signature.statement_version,
    }


def unlock_signing(grant: Grant) -> None:
    """The EPB lets a locked signatory sign again (their code's throttle starts over too)."""
    Grant.objects.filter(pk=grant.pk).update(signing_failures=0)
    for device in TOTPDevice.objects.filter(user=grant.user_id):
        device.throttle_reset()
    for device in StaticDevice.objects.filter(user=grant.user_id):
        device.throttle_reset()
