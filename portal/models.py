"""Enterprise accounts: who acts for which enterprise (a grant), and how they were invited.

A grant gives one user one level on one enterprise: a viewer reads, a preparer also enters
reports, a signatory also signs them. A signatory is the legal representative or a person
they authorised in writing: the letter is stored with the grant, and the EPB approves the
grant before it counts. A revoked grant counts for nothing. People get their account only
through an invitation: a single-use link that expires (no open registration).
"""

import hashlib
import secrets
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from benxi_cp.files import MAX_DOCUMENT_BYTES
from benxi_cp.models import StoredDocument, TrackedModel
from enterprises.models import Enterprise

INVITATION_DAYS = 7


class Level(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    PREPARER = "preparer", _("Preparer")
    SIGNATORY = "signatory", _("Signatory")


class Basis(models.TextChoices):
    """Why a signatory may sign for the enterprise."""

    LEGAL_REPRESENTATIVE = "legal_rep", _("Legal representative (法定代表人)")
    AUTHORISED = "authorised", _("Authorised in writing by the legal representative")


class GrantQuerySet(models.QuerySet):
    def active(self) -> "GrantQuerySet":
        """Grants that count: not revoked, and approved by the EPB when they are to sign."""
        return self.filter(revoked_at__isnull=True).filter(
            ~Q(level=Level.SIGNATORY) | Q(approved_at__isnull=False)
        )

    def awaiting_approval(self) -> "GrantQuerySet":
        return self.filter(level=Level.SIGNATORY, approved_at__isnull=True, revoked_at__isnull=True)


def letter_path(grant: "Grant", filename: str) -> str:
    # A generated name: what users call their files never reaches the file system.
    return f"portal/letters/{grant.enterprise_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class Grant(TrackedModel):
    """One user's access to one enterprise, at one level."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="enterprise_grants",
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="grants"
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    basis = models.CharField(
        _("signs as"), max_length=16, choices=Basis.choices, blank=True, default=""
    )
    letter = models.FileField(
        _("letter of authorisation"), upload_to=letter_path, max_length=200, blank=True
    )
    letter_name = models.CharField(_("file name"), max_length=200, blank=True)
    letter_type = models.CharField(_("content type"), max_length=100, blank=True)
    letter_bytes = models.PositiveIntegerField(_("size (bytes)"), default=0)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoke_reason = models.TextField(_("reason for revoking"), blank=True)
    # Wrong passwords or codes when signing, in a row; at MAX_SIGNING_FAILURES the person
    # may not sign until the EPB unlocks it.
    signing_failures = models.PositiveSmallIntegerField(_("failed signing attempts"), default=0)

    objects = GrantQuerySet.as_manager()

    class Meta:
        ordering = ["enterprise__code", "user__username"]
        verbose_name = _("enterprise grant")
        verbose_name_plural = _("enterprise grants")
        permissions = [
            ("use_portal", _("Can use the enterprise portal (enterprise users only)")),
            ("approve_signatory", _("Can approve and revoke enterprise grants")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "enterprise"],
                condition=Q(revoked_at__isnull=True),
                name="portal_grant_one_live_per_user_enterprise",
                violation_error_message=_("This person already holds a grant for the enterprise."),
            ),
            models.CheckConstraint(
                condition=Q(level=Level.SIGNATORY) & ~Q(basis="") | ~Q(level=Level.SIGNATORY),
                name="portal_grant_signatory_has_basis",
                violation_error_message=_(
                    "A signatory signs as the legal representative or "
                    "as a person authorised in writing."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(basis=Basis.AUTHORISED) | ~Q(letter=""),
                name="portal_grant_authorised_has_letter",
                violation_error_message=_("A person authorised in writing needs the letter."),
            ),
            models.CheckConstraint(
                condition=Q(approved_at__isnull=True) | Q(level=Level.SIGNATORY),
                name="portal_grant_only_signatories_approved",
                violation_error_message=_("Only signatory grants are approved."),
            ),
            models.CheckConstraint(
                condition=Q(letter_bytes__lte=MAX_DOCUMENT_BYTES),
                name="portal_grant_letter_size_limit",
                violation_error_message=_("A letter holds at most 20 MB."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.enterprise} · {self.get_level_display()}"

    def clean(self) -> None:
        if self.level == Level.SIGNATORY and not self.basis:
            raise ValidationError(
                {
                    "basis": _(
                        "Say whether the signatory is the legal representative or "
                        "authorised in writing."
                    )
                }
            )
        if self.level != Level.SIGNATORY:
            self.basis = ""
        if self.basis == Basis.AUTHORISED and not self.letter:
            raise ValidationError(
                {
                    "letter": _(
                        "Upload the letter of authorisation signed by the legal representative."
                    )
                }
            )

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (
            self.level != Level.SIGNATORY or self.approved_at is not None
        )

    @property
    def status_label(self) -> str:
        if self.revoked_at is not None:
            return _("Revoked")
        if self.level == Level.SIGNATORY and self.approved_at is None:
            return _("Awaiting the EPB's approval")
        return _("Active")

    @property
    def signing_locked(self) -> bool:
        return self.signing_failures >= MAX_SIGNING_FAILURES

    def letter_url(self) -> str:
        return reverse("portal:grant_letter", args=[self.pk]) if self.letter else ""


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def open(self) -> "InvitationQuerySet":
        return self.filter(accepted_at__isnull=True, withdrawn_at__isnull=True).filter(
            expires_at__gt=timezone.now()
        )


class Invitation(TrackedModel):
    """An invitation by e-mail to act for one enterprise at one level. Only the digest of
    its token is stored; the link in the e-mail is the only copy of the token."""

    email = models.EmailField(_("e-mail address"))
    full_name = models.CharField(_("full name"), max_length=150)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="portal_invitations",
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    basis = models.CharField(
        _("signs as"), max_length=16, choices=Basis.choices, blank=True, default=""
    )
    letter = models.FileField(
        _("letter of authorisation"), upload_to=letter_path, max_length=200, blank=True
    )
    letter_name = models.CharField(_("file name"), max_length=200, blank=True)
    letter_type = models.CharField(_("content type"), max_length=100, blank=True)
    letter_bytes = models.PositiveIntegerField(_("size (bytes)"), default=0)
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    grant = models.OneToOneField(
        Grant,
        verbose_name=_("grant"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitation",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(withdrawn_at__isnull=True),
                name="portal_invitation_accepted_or_withdrawn",
                violation_error_message=_("An invitation is accepted or withdrawn, not both."),
            ),
            models.CheckConstraint(
                condition=~Q(basis="authorised") | ~Q(letter=""),
                name="portal_invitation_authorised_has_letter",
                violation_error_message=_("A person authorised in writing needs the letter."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} · {self.enterprise}"

    def new_token(self) -> str:
        """A fresh token for this invitation (its digest is stored; the token is not)."""
        token = secrets.token_urlsafe(32)
        self.token_digest = token_digest(token)
        self.expires_at = timezone.now() + timedelta(days=INVITATION_DAYS)
        return token

    @property
    def status_label(self) -> str:
        if self.accepted_at:
            return _("Accepted")
        if self.withdrawn_at:
            return _("Withdrawn")
        if self.expires_at <= timezone.now():
            return _("Expired")
        return _("Sent")


STATEMENT_VERSION = "2026-1"
# The certification statement a signatory signs, by version: a signed version keeps its own.
STATEMENTS = {
    STATEMENT_VERSION: _(
        "I certify under penalty of law that this document was prepared under my direction "
        "or supervision, that I have examined the information submitted, and that, to the "
        "best of my knowledge and belief, it is true, accurate and complete. I am aware "
        "that there are significant penalties for submitting false information."
    )
}
MAX_SIGNING_FAILURES = 5


class Signature(models.Model):
    """A signatory's certification of a discharge report: the submission. What was signed is
    kept as canonical JSON with its SHA-256; the database refuses any change or deletion."""

    report = models.ForeignKey(
        "enterprises.DischargeReport",
        verbose_name=_("report"),
        on_delete=models.PROTECT,
        related_name="signatures",
    )
    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.PROTECT, related_name="signatures"
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed at"))
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    document = models.TextField(_("document signed (canonical JSON)"))
    document_sha256 = models.CharField(_("SHA-256 of the document"), max_length=64)
    statement_version = models.CharField(_("certification statement"), max_length=16)
    method = models.CharField(_("method"), max_length=32)
    # The signed version of the report: 1 for the first submission, then one per amendment.
    number = models.PositiveSmallIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["-signed_at"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.CheckConstraint(
                condition=Q(document_sha256__regex=r"^[0-9a-f]{64}$"),
                name="portal_signature_sha256_hex",
                violation_error_message=_("The hash is 64 hexadecimal digits."),
            ),
            models.UniqueConstraint(
                fields=["report", "number"],
                name="portal_signature_one_per_version",
                violation_error_message=_("This version of the report is signed already."),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="portal_signature_number_positive",
                violation_error_message=_("Versions are numbered from 1."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.signer} · {self.signed_at:%Y-%m-%d %H:%M}"

    def hash_matches(self) -> bool:
        return hashlib.sha256(self.document.encode("utf-8")).hexdigest() == self.document_sha256


class Amendment(TrackedModel):
    """A correction of a signed report: the enterprise gives the reason, the report is
    corrected and signed again as the next version (its signature is set then)."""

    report = models.ForeignKey(
        "enterprises.DischargeReport",
        verbose_name=_("report"),
        on_delete=models.PROTECT,
        related_name="amendments",
    )
    number = models.PositiveSmallIntegerField(_("version"))
    reason = models.TextField(_("reason for the amendment"))
    signature = models.OneToOneField(
        Signature,
        verbose_name=_("signature"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendment",
    )

    class Meta:
        ordering = ["report", "number"]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "number"],
                name="portal_amendment_one_per_version",
                violation_error_message=_("This version of the report has its amendment already."),
            ),
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(signature__isnull=True),
                name="portal_amendment_one_open_per_report",
                violation_error_message=_("An amendment of this report is open already."),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=2),
                name="portal_amendment_number_after_first",
                violation_error_message=_("An amendment is version 2 or later."),
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="portal_amendment_has_reason",
                violation_error_message=_("An amendment needs a reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} · v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("portal:report", args=[self.report_id])


class CopyOfRecord(StoredDocument):
    """The PDF of what was signed (values, statement, signer, time and hash printed on it),
    with the SHA-256 of the file, checked again on every download."""

    signature = models.OneToOneField(
        Signature, verbose_name=_("signature"), on_delete=models.PROTECT, related_name="copy"
    )
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)

    class Meta(StoredDocument.Meta):
        ordering = ["-created"]
        verbose_name = _("copy of record")
        verbose_name_plural = _("copies of record")

    def folder(self) -> str:
        return f"portal/copies/{self.signature.report_id}"

    def get_absolute_url(self) -> str:
        return reverse("portal:copy_of_record", args=[self.signature_id])


class DeadlineReminder(models.Model):
    """A reminder e-mail told a person of one deadline of an enterprise (a report due soon or
    overdue, or a draft awaiting signature): one row per person and deadline, never sent
    twice (portal/reminders.py)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="deadline_reminders",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="deadline_reminders",
    )
    period_kind = models.CharField(_("period kind"), max_length=1)
    year = models.PositiveSmallIntegerField(_("year"))
    period_number = models.PositiveSmallIntegerField(_("period number"))
    reason = models.CharField(_("reason"), max_length=16)  # due, overdue, unsigned
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "enterprise", "period_kind", "year", "period_number"],
                name="portal_deadlinereminder_once_per_person_and_deadline",
                violation_error_message=_("This person was reminded of this deadline already."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.enterprise.code} {self.year} {self.period_kind}"

    def get_absolute_url(self) -> str:
        return reverse("portal:home")


class Stage(models.TextChoices):
    ASSESSMENT = "assessment", _("Assessment (评估)")
    ACCEPTANCE = "acceptance", _("Acceptance (验收)")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted for review")
    RETURNED = "returned", _("Returned")


class AuditApplication(TrackedModel):
    """An enterprise's online application for the assessment or the acceptance of its CP
    audit (评估验收), by its signatory, with its audit report and performance table (绩效表);
    the programme office accepts it for review or returns it with a reason."""

    audit = models.ForeignKey(
        "audits.Audit",
        verbose_name=_("audit"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    stage = models.CharField(_("applies for"), max_length=16, choices=Stage.choices)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    note = models.TextField(_("note"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("assessment or acceptance application")
        verbose_name_plural = _("assessment and acceptance applications")
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "stage"],
                condition=Q(status="submitted"),
                name="portal_auditapplication_one_open_per_audit_stage",
                violation_error_message=_(
                    "This audit has an application for this stage waiting already."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="portal_auditapplication_return_has_reason",
                violation_error_message=_("A returned application needs its reason."),
            ),
            models.CheckConstraint(
                condition=Q(status="submitted")
                | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="portal_auditapplication_decision_has_who_and_when",
                violation_error_message=_("A decision needs who made it and when."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.audit.ref} · {self.get_stage_display()} · {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("portal:application", args=[self.pk])


class DocumentKind(models.TextChoices):
    REPORT = "report", _("Audit report (送审稿)")
    PERFORMANCE = "performance", _("Performance table (绩效表)")


class ApplicationDocument(StoredDocument):
    """A document of an application: its audit report or its performance table."""

    application = models.ForeignKey(
        AuditApplication,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    kind = models.CharField(_("document"), max_length=16, choices=DocumentKind.choices)

    class Meta(StoredDocument.Meta):
        ordering = ["application", "kind"]
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")
        constraints = [
            *StoredDocument.Meta.constraints,
            models.UniqueConstraint(
                fields=["application", "kind"],
                name="portal_applicationdocument_one_of_each_kind",
                violation_error_message=_("An application has one document of each kind."),
            ),
        ]

    def folder(self) -> str:
        return f"portal/applications/{self.application_id}"

    def get_absolute_url(self) -> str:
        return reverse("portal:application_document", args=[self.pk])
