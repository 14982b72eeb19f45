"""The copy of record of each signed version: a PDF of what was signed (the values and
flags as signed, the certification statement, the signer, the time and the SHA-256 printed
on it), in Chinese and English on the same pages, stored through Django's storage with the
SHA-256 of the file. A download hands it out only while both hashes still hold: the
document's (the signature's canonical JSON against the hash signed) and the file's."""

import hashlib
import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from benxi_cp.units import unit_label
from enterprises.models import Pollutant
from portal.models import STATEMENTS, CopyOfRecord, Signature

STYLESHEET = "portal/css/copy-of-record.css"
LANGUAGES = ("zh-hans", "en")
METHODS = {
    "password+totp": _("password and one-time code"),
    "password+recovery_code": _("password and recovery code"),
}


class CopyMismatch(Exception):
    """The stored copy or the document no longer matches its hash."""


def both(text) -> str:
    """A label in Chinese and in English (one of them when they are the same); `text` is a
    lazy text or a function giving the text in the active language."""
    shown = []
    for language in LANGUAGES:
        with translation.override(language):
            value = str(text() if callable(text) else text)
        if value not in shown:
            shown.append(value)
    return " / ".join(shown)


def method_label(method: str) -> str:
    return str(METHODS.get(method, method))


def _statement(version: str) -> list[str]:
    texts = []
    for language in LANGUAGES:
        with translation.override(language):
            texts.append(str(STATEMENTS.get(version, "")))
    return texts


def context(signature: Signature) -> dict:
    """What the PDF prints, read from the document as signed (not from the live report)."""
    data = json.loads(signature.document)
    pollutants = {
        p.code: p
        for p in Pollutant.objects.filter(code__in=[row["pollutant"] for row in data["values"]])
    }
    grant = signature.grant
    signer = signature.signer
    labels = {
        key: both(text)
        for key, text in {
            "title": _("Copy of record"),
            "enterprise": _("enterprise"),
            "period": _("period"),
            "version": _("version"),
            "reason": _("reason for the amendment"),
            "output": _("output value (10k yuan)"),
            "pollutant": _("pollutant"),
            "amount": _("amount"),
            "unit": _("unit"),
            "basis": _("basis"),
            "flags": _("reliability flags"),
            "explanation": _("explanation"),
            "statement": _("certification statement"),
            "signed_by": _("signed by"),
            "grant": _("grant"),
            "signed_at": _("signed at"),
            "method": _("signing method"),
            "sha256": _("SHA-256 of the document signed"),
            "note": _(
                "This copy shows the document as signed. Its SHA-256 is computed over the "
                "canonical JSON kept with the signature; the EPB checks it on every download."
            ),
        }.items()
    }
    return {
        "labels": labels,
        "data": data,
        "values": [
            {
                **row,
                "name": both(lambda code=row["pollutant"]: _pollutant_name(pollutants, code)),
                "unit_label": both(lambda unit=row["unit"]: unit_label(unit)),
            }
            for row in data["values"]
        ],
        "statement": _statement(signature.statement_version),
        "signature": signature,
        "signer": f"{signer.get_full_name() or signer.username} ({signer.username})",
        "grant": f"{both(grant.get_level_display)} · {grant.enterprise.code}",
        "signed_at": timezone.localtime(signature.signed_at).strftime("%Y-%m-%d %H:%M:%S %Z"),
        "method": both(METHODS.get(signature.method, signature.method)),
    }


def _pollutant_name(pollutants: dict, code: str) -> str:
    return pollutants[code].display_name if code in pollutants else code


def render(signature: Signature) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string("portal/copy_of_record.html", context(signature))
    stylesheet = CSS(filename=finders.find(STYLESHEET))
    return HTML(string=html, base_url=str(settings.SHARED_DIR)).write_pdf(stylesheets=[stylesheet])


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def copy_of(signature: Signature) -> CopyOfRecord:
    """The signature's copy of record, made (and stored) when it has none yet."""
    existing = CopyOfRecord.objects.filter(signature=signature).first()
    if existing is not None:
        return existing
    content = render(signature)
    report = signature.report
    name = f"{report.enterprise.code}-{report.period_label}-v{signature.number}.pdf"
    copy = CopyOfRecord(
        signature=signature,
        filename=name,
        content_type="application/pdf",
        size_bytes=len(content),
        file_sha256=digest(content),
    )
    copy.stamp(signature.signer)
    copy.file.save(name, ContentFile(content), save=False)
    try:
        with transaction.atomic():
            copy.save()
    except IntegrityError:  # made by another request meanwhile
        copy.file.delete(save=False)
        return CopyOfRecord.objects.get(signature=signature)
    return copy


def checked_content(copy: CopyOfRecord) -> bytes:
    """The stored PDF, once both hashes are checked; CopyMismatch when either fails (and
    FileNotFoundError when the file has gone)."""
    if not copy.signature.hash_matches():
        raise CopyMismatch("document")
    with copy.file.open("rb") as handle:
        content = handle.read()
    if digest(content) != copy.file_sha256:
        raise CopyMismatch("file")
    return content
