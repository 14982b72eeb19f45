"""CP audits through their eight steps, and the options they produce."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from audits.choices import (
    AcceptingBody,
    Aspect,
    FeeClass,
    OptionStatus,
    StepStatus,
    Verdict,
)
from benxi_cp.models import TrackedModel
from enterprises.models import Enterprise, Pollutant

STEP_COUNT = 8


class Audit(TrackedModel):
    """One CP audit of one enterprise, from planning to acceptance."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="audits"
    )
    ref = models.CharField(_("reference"), max_length=32, unique=True)
    started_on = models.DateField(_("started on"))
    focus = models.CharField(_("audit focus"), max_length=255, blank=True)
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("audit team"), blank=True, related_name="cp_audits"
    )
    cp_lead = models.CharField(
        _("enterprise CP lead"),
        max_length=100,
        blank=True,
        help_text=_("The enterprise's CP leader."),
    )
    steps_completed = models.PositiveSmallIntegerField(
        _("steps completed"),
        default=0,
        help_text=_("How many of the eight steps are done, in order."),
    )
    assessment = models.CharField(
        _("assessment"), max_length=8, choices=Verdict.choices, blank=True
    )
    assessed_on = models.DateField(_("assessed on"), null=True, blank=True)
    assessment_score = models.DecimalField(
        _("assessment score"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    acceptance = models.CharField(
        _("acceptance"), max_length=8, choices=Verdict.choices, blank=True
    )
    accepted_by = models.CharField(
        _("accepted by"), max_length=16, choices=AcceptingBody.choices, blank=True
    )
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    demonstration = models.BooleanField(_("demonstration enterprise"), default=False)
    demonstration_on = models.DateField(_("named demonstration on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on", "ref"]
        verbose_name = _("CP audit")
        verbose_name_plural = _("CP audits")
        constraints = [
            models.CheckConstraint(
                condition=Q(steps_completed__lte=STEP_COUNT),
                name="%(app_label)s_%(class)s_steps_range",
                violation_error_message=_("An audit has eight steps."),
            ),
            models.CheckConstraint(
                condition=Q(assessment="")
                | Q(steps_completed=STEP_COUNT, assessed_on__isnull=False),
                name="%(app_label)s_%(class)s_assessment_after_eight_steps",
                violation_error_message=_(
                    "An assessment needs all eight steps completed and an assessment date."
                ),
            ),
            models.CheckConstraint(
                condition=Q(assessed_on__isnull=True) | Q(assessed_on__gte=F("started_on")),
                name="%(app_label)s_%(class)s_assessed_after_start",
                violation_error_message=_(
                    "The assessment cannot be dated before the audit started."
                ),
            ),
            models.CheckConstraint(
                condition=Q(assessment_score__isnull=True)
                | Q(assessment_score__gte=0, assessment_score__lte=100),
                name="%(app_label)s_%(class)s_score_range",
                violation_error_message=_("The assessment score is between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(acceptance="")
                | (
                    Q(assessment=Verdict.PASS, accepted_on__isnull=False)
                    & ~Q(accepted_by="")
                    & Q(accepted_on__gte=F("assessed_on"))
                ),
                name="%(app_label)s_%(class)s_acceptance_after_passed_assessment",
                violation_error_message=_(
                    "An acceptance needs a passed assessment, an accepting body and a date "
                    "not before the assessment."
                ),
            ),
            models.CheckConstraint(
                condition=Q(demonstration=False) | Q(acceptance=Verdict.PASS),
                name="%(app_label)s_%(class)s_demonstration_after_acceptance",
                violation_error_message=_(
                    "Only an enterprise whose audit passed acceptance can be a demonstration "
                    "enterprise."
                ),
            ),
        ]
        indexes = [
            # Programme summary and lists: audits started up to a date, per enterprise.
            models.Index(fields=["enterprise", "started_on"], name="audit_enterprise_started"),
            # Acceptances by body (summary, dashboards).
            models.Index(fields=["acceptance", "accepted_by"], name="audit_acceptance_body"),
        ]

    def __str__(self) -> str:
        return self.ref

    def get_absolute_url(self) -> str:
        return reverse("audits:detail", args=[self.pk])


class AuditStep(models.Model):
    """One of the eight steps of an audit, created with the audit."""

    audit = models.ForeignKey(
        Audit, verbose_name=_("audit"), on_delete=models.CASCADE, related_name="steps"
    )
    number = models.PositiveSmallIntegerField(_("step"))
    status = models.CharField(
        _("status"), max_length=16, choices=StepStatus.choices, default=StepStatus.NOT_STARTED
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    checklist = models.JSONField(
        _("deliverables done"),
        default=list,
        blank=True,
        help_text=_("Keys of the deliverables done."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["audit", "number"]
        verbose_name = _("audit step")
        verbose_name_plural = _("audit steps")
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "number"],
                name="%(app_label)s_%(class)s_one_per_number",
                violation_error_message=_("An audit has each step once."),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=STEP_COUNT),
                name="%(app_label)s_%(class)s_number_range",
                violation_error_message=_("Steps are numbered 1 to 8."),
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(completed_on__gte=F("started_on")),
                name="%(app_label)s_%(class)s_completed_after_start",
                violation_error_message=_("A step cannot be completed before it started."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.audit.ref} #{self.number}"

    def get_absolute_url(self) -> str:
        return self.audit.get_absolute_url()


class Option(TrackedModel):
    """A CP option (方案) of an audit: what it costs, what it saves, where it stands."""

    audit = models.ForeignKey(
        Audit, verbose_name=_("audit"), on_delete=models.CASCADE, related_name="options"
    )
    code = models.CharField(_("code"), max_length=16)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    aspect = models.CharField(_("aspect"), max_length=24, choices=Aspect.choices)
    fee_class = models.CharField(_("fee class"), max_length=16, choices=FeeClass.choices)
    step = models.PositiveSmallIntegerField(
        _("from step"), default=4, help_text=_("The audit step the option came from.")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=OptionStatus.choices, default=OptionStatus.PROPOSED
    )
    investment_10k_yuan = models.DecimalField(
        _("investment (10k yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Estimated; the actual investment once implemented."),
    )
    annual_benefit_10k_yuan = models.DecimalField(
        _("annual economic benefit (10k yuan/year)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    implemented_on = models.DateField(_("implemented on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["audit", "code"]
        verbose_name = _("CP option")
        verbose_name_plural = _("CP options")
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "code"],
                name="%(app_label)s_%(class)s_code_unique_in_audit",
                violation_error_message=_("This code is already used in the audit."),
            ),
            models.CheckConstraint(
                condition=(Q(investment_10k_yuan__isnull=True) | Q(investment_10k_yuan__gte=0))
                & (Q(annual_benefit_10k_yuan__isnull=True) | Q(annual_benefit_10k_yuan__gte=0)),
                name="%(app_label)s_%(class)s_amounts_non_negative",
                violation_error_message=_("Investment and benefit cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(status=OptionStatus.IMPLEMENTED, implemented_on__isnull=False)
                | (~Q(status=OptionStatus.IMPLEMENTED) & Q(implemented_on__isnull=True)),
                name="%(app_label)s_%(class)s_implemented_has_date",
                violation_error_message=_(
                    "An implemented option needs its implementation date; other options have none."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(
                    fee_class=FeeClass.MEDIUM_HIGH,
                    status__in=[
                        OptionStatus.FEASIBLE,
                        OptionStatus.NOT_FEASIBLE,
                        OptionStatus.IMPLEMENTED,
                    ],
                    investment_10k_yuan__isnull=True,
                ),
                name="%(app_label)s_%(class)s_medium_high_needs_investment",
                violation_error_message=_(
                    "A medium/high-fee option needs its investment before it is feasible or "
                    "implemented."
                ),
            ),
            models.CheckConstraint(
                condition=Q(step__gte=1, step__lte=STEP_COUNT),
                name="%(app_label)s_%(class)s_step_range",
                violation_error_message=_("Steps are numbered 1 to 8."),
            ),
        ]
        indexes = [
            # Programme summary: options by fee class and status, implemented up to a date.
            models.Index(
                fields=["fee_class", "status", "implemented_on"], name="option_fee_status_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.audit.ref}/{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("audits:option_detail", args=[self.pk])


class OptionReduction(models.Model):
    """What an option cuts each year of one pollutant, in the pollutant's unit."""

    option = models.ForeignKey(
        Option, verbose_name=_("option"), on_delete=models.CASCADE, related_name="reductions"
    )
    pollutant = models.ForeignKey(
        Pollutant, verbose_name=_("pollutant"), on_delete=models.PROTECT, related_name="+"
    )
    amount_per_year = models.DecimalField(_("reduction per year"), max_digits=16, decimal_places=4)

    class Meta:
        ordering = ["option", "pollutant__position"]
        verbose_name = _("option reduction")
        verbose_name_plural = _("option reductions")
        constraints = [
            models.UniqueConstraint(
                fields=["option", "pollutant"],
                name="%(app_label)s_%(class)s_one_per_pollutant",
                violation_error_message=_("This pollutant already has a reduction for the option."),
            ),
            models.CheckConstraint(
                condition=Q(amount_per_year__gte=0),
                name="%(app_label)s_%(class)s_amount_non_negative",
                violation_error_message=_("A reduction cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.option} {self.pollutant.code} {self.amount_per_year}"

    def get_absolute_url(self) -> str:
        return self.option.get_absolute_url()
