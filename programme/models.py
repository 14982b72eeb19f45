"""The programme office's own registers (see `programme/apps.py`)."""

# Training and outreach ---------------------------------------------------------------------
# (imports kept with the section, so that the other registers' sections merge beside it)
import uuid as _uuid  # noqa: E402
from pathlib import Path as _Path  # noqa: E402

from django.core.exceptions import ValidationError  # noqa: E402
from django.core.validators import MaxValueValidator, MinValueValidator  # noqa: E402
from django.db import models  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils.translation import gettext_lazy as _  # noqa: E402
from simple_history.models import HistoricalRecords  # noqa: E402

from audits.models import Audit, audit_scope  # noqa: E402
from audits.validators import MAX_DOCUMENT_BYTES  # noqa: E402
from benxi_cp.models import TrackedModel, VersionedModel  # noqa: E402
from enterprises.models import Enterprise, enterprise_match  # noqa: E402
from programme.choices_outreach import (  # noqa: E402
    Audience,
    EventKind,
    IncentiveKind,
    PolicyKind,
    PolicyLevel,
    PolicyStatus,
)


class TrainingEventQuerySet(models.QuerySet):
    def for_user(self, user) -> "TrainingEventQuerySet":
        """Every event, for whoever may read the register (training is public knowledge)."""
        return self if user.has_perm("programme.view_trainingevent") else self.none()

    def search(self, text: str) -> "TrainingEventQuerySet":
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(title__icontains=text)
            | Q(place__icontains=text)
            | Q(organiser__icontains=text)
            | Q(
                pk__in=TrainingParticipation.objects.filter(
                    enterprise_match(text, "enterprise__")
                ).values("event")
            )
        )


class TrainingEvent(VersionedModel, TrackedModel):
    """A training course or an outreach event the programme held for one audience."""

    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    audience = models.CharField(_("audience"), max_length=24, choices=Audience.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(999)],
        help_text=_("The length of the event in hours (per participant)."),
    )
    other_participants = models.PositiveIntegerField(
        _("other participants"),
        default=0,
        help_text=_("Participants not from an enterprise of the register (officials, the public)."),
    )
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()
    objects = TrainingEventQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "title"]
        verbose_name = _("training or outreach event")
        verbose_name_plural = _("training and outreach events")
        constraints = [
            models.UniqueConstraint(
                fields=["held_on", "title"],
                name="%(app_label)s_%(class)s_one_per_date_and_title",
                violation_error_message=_(
                    "An event with this title is already recorded on this date."
                ),
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0, hours__lt=1000),
                name="%(app_label)s_%(class)s_hours_range",
                violation_error_message=_("An event lasts more than 0 and less than 1000 hours."),
            ),
        ]
        indexes = [
            # The yearly counts and the list's default order: events by date.
            models.Index(fields=["held_on", "audience"], name="programme_event_date_aud"),
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("programme:event_detail", args=[self.pk])

    @property
    def total_participants(self) -> int:
        """Participants from enterprises plus the others (annotated by the lists)."""
        annotated = getattr(self, "enterprise_participants", None)
        if annotated is None:
            annotated = sum(p.participants for p in self.participations.all())
        return annotated + self.other_participants


class TrainingParticipation(models.Model):
    """How many people one enterprise sent to one event."""

    event = models.ForeignKey(
        TrainingEvent,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="participations",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="training_participations",
    )
    participants = models.PositiveIntegerField(_("participants"), validators=[MinValueValidator(1)])

    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "enterprise__code"]
        verbose_name = _("participation in training")
        verbose_name_plural = _("participation in training")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "enterprise"],
                name="%(app_label)s_%(class)s_one_per_enterprise",
                violation_error_message=_("An enterprise is listed once per event."),
            ),
            models.CheckConstraint(
                condition=Q(participants__gt=0),
                name="%(app_label)s_%(class)s_participants_positive",
                violation_error_message=_("An enterprise listed sends at least one participant."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.enterprise.code}: {self.participants}"

    def get_absolute_url(self) -> str:
        return self.event.get_absolute_url()


def material_path(material: "TrainingMaterial", filename: str) -> str:
    # A generated name, as for audit documents: users' file names never reach the disk.
    return f"training/{material.event_id}/{_uuid.uuid4().hex}{_Path(filename).suffix.lower()}"


class TrainingMaterial(TrackedModel):
    """A file of an event's materials (slides, handouts, attendance sheet)."""

    event = models.ForeignKey(
        TrainingEvent, verbose_name=_("event"), on_delete=models.CASCADE, related_name="materials"
    )
    file = models.FileField(_("file"), upload_to=material_path, max_length=200)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size_bytes = models.PositiveIntegerField(_("size (bytes)"))

    class Meta:
        ordering = ["event", "created"]
        verbose_name = _("training material")
        verbose_name_plural = _("training materials")
        constraints = [
            models.CheckConstraint(
                condition=Q(size_bytes__gt=0, size_bytes__lte=MAX_DOCUMENT_BYTES),
                name="%(app_label)s_%(class)s_size_limit",
                violation_error_message=_("A document holds between 1 byte and 20 MB."),
            ),
        ]

    def __str__(self) -> str:
        return self.filename

    def get_absolute_url(self) -> str:
        return reverse("programme:material", args=[self.pk])


# Policies and incentives -------------------------------------------------------------------


def policy_path(policy: "Policy", filename: str) -> str:
    return f"policies/{_uuid.uuid4().hex}{_Path(filename).suffix.lower()}"


class PolicyQuerySet(models.QuerySet):
    def for_user(self, user) -> "PolicyQuerySet":
        return self if user.has_perm("programme.view_policy") else self.none()

    def search(self, text: str) -> "PolicyQuerySet":
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(title__icontains=text)
            | Q(issuer__icontains=text)
            | Q(number__icontains=text)
            | Q(summary__icontains=text)
        )


class Policy(VersionedModel, TrackedModel):
    """A policy or regulation bearing on CP: a rule of pollution charges, the CP fund,
    rewards, loans, permits."""

    title = models.CharField(_("title"), max_length=255)
    level = models.CharField(_("level"), max_length=16, choices=PolicyLevel.choices)
    issuer = models.CharField(_("issuing authority"), max_length=200)
    number = models.CharField(
        _("document number"), max_length=64, blank=True, help_text=_("The issuer's number (文号).")
    )
    issued_on = models.DateField(_("issued on"))
    effective_on = models.DateField(_("effective from"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=PolicyStatus.choices, default=PolicyStatus.IN_FORCE
    )
    kind = models.CharField(_("kind"), max_length=24, choices=PolicyKind.choices)
    summary = models.TextField(_("summary"), blank=True)
    document = models.FileField(_("document"), upload_to=policy_path, max_length=200, blank=True)
    document_name = models.CharField(_("file name"), max_length=200, blank=True)
    document_type = models.CharField(_("content type"), max_length=100, blank=True)
    document_size = models.PositiveIntegerField(_("size (bytes)"), default=0)

    history = HistoricalRecords()
    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "title"]
        verbose_name = _("policy or regulation")
        verbose_name_plural = _("policies and regulations")
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_on__isnull=True) | Q(effective_on__gte=models.F("issued_on")),
                name="%(app_label)s_%(class)s_effective_after_issue",
                violation_error_message=_(
                    "A policy takes effect on or after the day it is issued."
                ),
            ),
            models.CheckConstraint(
                condition=Q(document_size__lte=MAX_DOCUMENT_BYTES),
                name="%(app_label)s_%(class)s_size_limit",
                violation_error_message=_("A document holds between 1 byte and 20 MB."),
            ),
            models.UniqueConstraint(
                fields=["issuer", "number"],
                condition=~Q(number=""),
                name="%(app_label)s_%(class)s_one_number_per_issuer",
                violation_error_message=_("This issuer already has a policy with this number."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.number})" if self.number else self.title

    def get_absolute_url(self) -> str:
        return reverse("programme:policy_detail", args=[self.pk])


class IncentiveQuerySet(models.QuerySet):
    def for_user(self, user) -> "IncentiveQuerySet":
        """All incentives for who may see them all; an auditor, those of the enterprises of
        the audits they serve on; nobody else any."""
        if not user.has_perm("programme.view_incentive"):
            return self.none()
        if user.has_perm("programme.view_all_incentives"):
            return self
        scope = audit_scope(user)
        if scope is None:
            return self.none()
        return self.filter(enterprise__in=Audit.objects.filter(scope).values("enterprise"))

    def search(self, text: str) -> "IncentiveQuerySet":
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(decision_number__icontains=text)
            | Q(decision__icontains=text)
            | enterprise_match(text, "enterprise__")
        )


class Incentive(VersionedModel, TrackedModel):
    """A CP fund grant, reward or loan granted to an enterprise, by a decision."""

    kind = models.CharField(_("kind"), max_length=16, choices=IncentiveKind.choices)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="incentives",
    )
    audit = models.ForeignKey(
        Audit,
        verbose_name=_("audit rewarded"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incentives",
        help_text=_("The CP audit of the same enterprise that the incentive rewards, if any."),
    )
    policy = models.ForeignKey(
        Policy,
        verbose_name=_("granted under"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incentives",
    )
    amount_10k_yuan = models.DecimalField(
        _("amount (10k yuan)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    granted_on = models.DateField(_("granted on"))
    decision_number = models.CharField(_("decision number"), max_length=64, blank=True)
    decision = models.TextField(_("decision"), blank=True)

    history = HistoricalRecords()
    objects = IncentiveQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_on", "enterprise__code"]
        verbose_name = _("incentive")
        verbose_name_plural = _("incentives")
        permissions = [("view_all_incentives", _("Can view the incentives of every enterprise"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_10k_yuan__gte=0),
                name="%(app_label)s_%(class)s_amount_non_negative",
                violation_error_message=_("An amount is never negative."),
            ),
            models.UniqueConstraint(
                fields=["decision_number", "enterprise", "kind"],
                condition=~Q(decision_number=""),
                name="%(app_label)s_%(class)s_one_per_decision",
                violation_error_message=_(
                    "This decision already grants this enterprise an incentive of this kind."
                ),
            ),
        ]
        indexes = [
            # Totals by year and kind; an enterprise's incentives by date.
            models.Index(fields=["granted_on", "kind"], name="programme_incentive_date_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.enterprise.code} · {self.granted_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("programme:incentive_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.audit_id and self.enterprise_id and self.audit.enterprise_id != self.enterprise_id:
            raise ValidationError(
                {"audit": _("The audit rewarded must be an audit of the same enterprise.")}
            )
