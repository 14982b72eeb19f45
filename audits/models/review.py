"""The expert review of a CP audit's assessment or acceptance (专家评审): the panel, date,
score and decision, with the pass mark in force (settings.BENXI_REVIEW_PASS_SCORE) stored on
the row so the database can refuse a pass below it; a passed acceptance carries the
certificate's date and expiry (settings.BENXI_CERTIFICATE_YEARS). CertificateReminder records
each renewal reminder sent, once per person, certificate and threshold."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from audits.choices import CertificateState, ReviewDecision, ReviewStage
from benxi_cp import clock
from benxi_cp.models import TrackedModel
from benxi_cp.worklist import add_months

SCORE = [MinValueValidator(0), MaxValueValidator(100)]
WARN_MONTHS = 6
PASSING = [ReviewDecision.PASS, ReviewDecision.CONDITIONAL]


def default_pass_mark() -> int:
    return settings.BENXI_REVIEW_PASS_SCORE


def certificate_expiry(issued_on: datetime.date) -> datetime.date:
    return add_months(issued_on, 12 * settings.BENXI_CERTIFICATE_YEARS)


def certificate_state(valid_until: datetime.date | None, today: datetime.date) -> str:
    if valid_until is None:
        return ""
    if valid_until < today:
        return CertificateState.EXPIRED
    if valid_until <= add_months(today, WARN_MONTHS):
        return CertificateState.EXPIRING
    return CertificateState.VALID


class ExpertReview(TrackedModel):
    """One expert review of an audit, for its assessment or its acceptance."""

    audit = models.ForeignKey(
        "audits.Audit", verbose_name=_("audit"), on_delete=models.PROTECT, related_name="reviews"
    )
    stage = models.CharField(_("stage"), max_length=16, choices=ReviewStage.choices)
    panel = models.TextField(_("expert panel"), help_text=_("The experts' names, one a line."))
    reviewed_on = models.DateField(_("reviewed on"))
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=1, validators=SCORE)
    pass_mark = models.DecimalField(
        _("pass mark"),
        max_digits=4,
        decimal_places=1,
        default=default_pass_mark,
        editable=False,
        validators=SCORE,
    )
    decision = models.CharField(_("decision"), max_length=16, choices=ReviewDecision.choices)
    conditions = models.TextField(_("conditions"), blank=True)
    certificate_on = models.DateField(_("certificate dated"), null=True, blank=True)
    valid_until = models.DateField(_("certificate valid until"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-reviewed_on", "-pk"]
        verbose_name = _("expert review")
        verbose_name_plural = _("expert reviews")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100, pass_mark__gte=0, pass_mark__lte=100),
                name="audits_expertreview_scores_0_to_100",
                violation_error_message=_("Scores are between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(decision=ReviewDecision.FAIL) | Q(score__gte=F("pass_mark")),
                name="audits_expertreview_pass_needs_pass_mark",
                violation_error_message=_("A score below the pass mark cannot be a pass."),
            ),
            models.CheckConstraint(
                condition=~Q(decision=ReviewDecision.CONDITIONAL) | ~Q(conditions=""),
                name="audits_expertreview_conditions_stated",
                violation_error_message=_("A pass with conditions needs its conditions."),
            ),
            models.CheckConstraint(
                condition=Q(certificate_on__isnull=True, valid_until__isnull=True)
                | Q(
                    stage=ReviewStage.ACCEPTANCE,
                    decision__in=PASSING,
                    certificate_on__gte=F("reviewed_on"),
                    valid_until__gt=F("certificate_on"),
                ),
                name="audits_expertreview_certificate_of_passed_acceptance",
                violation_error_message=_(
                    "A certificate belongs to a passed acceptance, dated on or after its "
                    "review, and is valid after its date."
                ),
            ),
        ]
        indexes = [models.Index(fields=["valid_until"], name="review_certificate_expiry")]

    def __str__(self) -> str:
        return f"{self.audit.ref} · {self.get_stage_display()} · {self.get_decision_display()}"

    def get_absolute_url(self) -> str:
        return reverse("audits:detail", args=[self.audit_id])

    @property
    def passed(self) -> bool:
        return self.decision in PASSING

    @property
    def panel_members(self) -> list[str]:
        return [line.strip() for line in self.panel.splitlines() if line.strip()]

    def certificate_state(self, today: datetime.date | None = None) -> str:
        return certificate_state(self.valid_until, today or clock.today())


class CertificateReminder(models.Model):
    """A renewal reminder sent to one person for one certificate at one threshold."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="certificate_reminders",
    )
    review = models.ForeignKey(
        ExpertReview,
        verbose_name=_("expert review"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    threshold = models.CharField(
        _("threshold"),
        max_length=16,
        choices=[c for c in CertificateState.choices if c[0] != CertificateState.VALID],
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("certificate reminder")
        verbose_name_plural = _("certificate reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "review", "threshold"],
                name="audits_certificatereminder_once_per_threshold",
                violation_error_message=_("This person was reminded of this certificate already."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.review} · {self.threshold}"
