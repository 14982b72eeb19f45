"""CP audits through their eight steps, and the options they produce."""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from audits.choices import (
    AcceptingBody,
    Aspect,
    BalanceDirection,
    FeeClass,
    OptionStatus,
    StepStatus,
    Verdict,
    may_move,
    next_statuses,
)
from audits.finance import Evaluation, evaluate
from audits.steps import definition
from audits.validators import MAX_DOCUMENT_BYTES
from benxi_cp.models import TrackedModel, VersionedModel
from enterprises.models import Enterprise, Pollutant, enterprise_match

STEP_COUNT = 8
NON_NEGATIVE = [MinValueValidator(0)]


class Refusals(dict):
    """The messages a model's clean() collects per field, raised together."""

    def add(self, field: str, message) -> None:
        self.setdefault(field, []).append(message)

    def raise_any(self) -> None:
        if self:
            raise ValidationError(dict(self))


def audit_scope(user, prefix: str = "") -> Q | None:
    """The audits `user` may see, as a filter (None: none at all).

    The one place access to audits is decided: every view, export and importer goes
    through `Audit.objects.for_user` or `Option.objects.for_user`, which use this.
    Whoever may see every audit (EPB, programme office, leading team) sees all; an
    auditor sees the audits whose team includes them.
    """
    if not user.is_authenticated or not user.has_perm("audits.view_audit"):
        return None
    if user.has_perm("audits.view_all_audits"):
        return Q()
    return Q(**{f"{prefix}team": user})


class AuditQuerySet(models.QuerySet):
    def for_user(self, user) -> "AuditQuerySet":
        scope = audit_scope(user)
        return self.none() if scope is None else self.filter(scope)

    def search(self, text: str) -> "AuditQuerySet":
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(ref__icontains=text)
            | Q(focus__icontains=text)
            | enterprise_match(text, "enterprise__")
        )


class Audit(VersionedModel, TrackedModel):
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
        _("assessment score"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
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
    objects = AuditQuerySet.as_manager()
    # Kept by the steps' saves (audits.services.sync_steps_completed): no edit of the audit.
    derived_fields = frozenset({"steps_completed"})

    class Meta:
        ordering = ["-started_on", "ref"]
        verbose_name = _("CP audit")
        verbose_name_plural = _("CP audits")
        permissions = [
            ("view_all_audits", _("Can see every audit and option")),
            ("serve_on_audit_team", _("Can serve on audit teams")),
            ("assess_audit", _("Can record assessment, acceptance and demonstration")),
        ]
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
            models.CheckConstraint(
                condition=~Q(assessment="")
                | Q(assessed_on__isnull=True, assessment_score__isnull=True),
                name="%(app_label)s_%(class)s_assessment_details_need_assessment",
                violation_error_message=_(
                    "An assessment date or score needs an assessment result."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(acceptance="") | Q(accepted_by="", accepted_on__isnull=True),
                name="%(app_label)s_%(class)s_acceptance_details_need_acceptance",
                violation_error_message=_(
                    "An accepting body or acceptance date needs an acceptance result."
                ),
            ),
            models.CheckConstraint(
                condition=Q(demonstration_on__isnull=True)
                | Q(demonstration=True, demonstration_on__gte=F("accepted_on")),
                name="%(app_label)s_%(class)s_demonstration_after_accepted_on",
                violation_error_message=_(
                    "An enterprise is named a demonstration enterprise on or after its acceptance."
                ),
            ),
        ]
        indexes = [
            # Programme summary and lists: audits started up to a date, per enterprise.
            models.Index(fields=["enterprise", "started_on"], name="audit_enterprise_started"),
            # Acceptances by body (summary, dashboards).
            models.Index(fields=["acceptance", "accepted_by"], name="audit_acceptance_body"),
            # The audits list's default order (AuditTable order_by "-started_on", "ref").
            models.Index(fields=["-started_on", "ref"], name="audit_list_order"),
        ]

    def __str__(self) -> str:
        return self.ref

    def get_absolute_url(self) -> str:
        return reverse("audits:detail", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # The enterprise it was stored under: moving an audit changes two CP statuses.
        instance._stored_enterprise_id = getattr(instance, "enterprise_id", None)
        return instance

    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding:
            # The eight steps come with the audit, the first `steps_completed` of them done.
            AuditStep.objects.bulk_create(
                AuditStep(
                    audit=self,
                    number=number,
                    status=(
                        StepStatus.COMPLETED
                        if number <= self.steps_completed
                        else StepStatus.NOT_STARTED
                    ),
                )
                for number in range(1, STEP_COUNT + 1)
            )

    def clean(self) -> None:
        """The order of an audit's end: eight steps, assessment, acceptance, demonstration."""
        errors = Refusals()
        refuse = errors.add

        started = self.started_on
        if self.steps_completed is not None and self.steps_completed > STEP_COUNT:
            refuse("steps_completed", _("An audit has eight steps."))
        if self.assessment:
            if (self.steps_completed or 0) < STEP_COUNT:
                refuse(
                    "assessment",
                    _("An audit is assessed only after all eight steps are complete."),
                )
            if self.assessed_on is None:
                refuse("assessed_on", _("Give the date of the assessment."))
        elif self.assessed_on is not None or self.assessment_score is not None:
            refuse("assessment", _("An assessment date or score needs an assessment result."))
        if self.assessed_on and started and self.assessed_on < started:
            refuse("assessed_on", _("The assessment cannot be dated before the audit started."))
        if self.acceptance:
            if self.assessment != Verdict.PASS:
                refuse("acceptance", _("An audit is accepted only after a passed assessment."))
            if not self.accepted_by:
                refuse("accepted_by", _("Give the accepting body."))
            if self.accepted_on is None:
                refuse("accepted_on", _("Give the date of the acceptance."))
            elif self.assessed_on and self.accepted_on < self.assessed_on:
                refuse(
                    "accepted_on",
                    _("The acceptance cannot be dated before the assessment."),
                )
            elif started and self.accepted_on < started:
                refuse("accepted_on", _("The acceptance cannot be dated before the audit started."))
        elif self.accepted_by or self.accepted_on is not None:
            refuse(
                "acceptance",
                _("An accepting body or acceptance date needs an acceptance result."),
            )
        if self.demonstration and self.acceptance != Verdict.PASS:
            refuse(
                "demonstration",
                _(
                    "Only an enterprise whose audit passed acceptance can be a demonstration "
                    "enterprise."
                ),
            )
        if self.demonstration_on is not None:
            if not self.demonstration:
                refuse("demonstration_on", _("A date is given only for a demonstration."))
            elif self.accepted_on and self.demonstration_on < self.accepted_on:
                refuse(
                    "demonstration_on",
                    _(
                        "An enterprise is named a demonstration enterprise on or after its "
                        "acceptance."
                    ),
                )
        if self.pk and started and "started_on" not in errors:
            early = self.steps.filter(Q(started_on__lt=started) | Q(completed_on__lt=started))
            if early.exists() or self.options.filter(implemented_on__lt=started).exists():
                refuse(
                    "started_on",
                    _("Steps or implemented options of this audit are dated before that day."),
                )
        errors.raise_any()

    @property
    def is_assessed(self) -> bool:
        return bool(self.assessment)


class AuditStep(VersionedModel, models.Model):
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
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(status=StepStatus.COMPLETED),
                name="%(app_label)s_%(class)s_completion_date_when_completed",
                violation_error_message=_("Only a completed step has a completion date."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=StepStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message=_("Unknown step status."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.audit.ref} #{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("audits:step", args=[self.audit_id, self.number])

    @property
    def definition(self):
        return definition(self.number)

    @property
    def is_completed(self) -> bool:
        return self.status == StepStatus.COMPLETED

    def deliverables(self) -> list[tuple[str, str, bool]]:
        """(key, label, done) for each deliverable the step must produce."""
        done = set(self.checklist or [])
        return [(key, label, key in done) for key, label in self.definition.deliverables]

    def clean(self) -> None:
        """Steps complete in order, and reopen only while the next one is still open."""
        errors = Refusals()
        refuse = errors.add

        unknown = set(self.checklist or []) - set(self.definition.keys)
        if unknown:
            refuse("checklist", _("Unknown deliverables: %s") % ", ".join(sorted(unknown)))
        if self.completed_on is not None and self.status != StepStatus.COMPLETED:
            refuse("completed_on", _("Only a completed step has a completion date."))
        audit = self.audit
        for field in ("started_on", "completed_on"):
            value = getattr(self, field)
            if value and audit.started_on and value < audit.started_on:
                refuse(field, _("A step cannot be dated before the audit started."))
        neighbours = {
            step.number: step
            for step in AuditStep.objects.filter(
                audit_id=self.audit_id, number__in=[self.number - 1, self.number + 1]
            )
        }
        before, after = neighbours.get(self.number - 1), neighbours.get(self.number + 1)
        if self.status == StepStatus.COMPLETED:
            if before is not None and not before.is_completed:
                refuse(
                    "status",
                    _("Step %(number)s can be completed only after step %(before)s.")
                    % {"number": self.number, "before": self.number - 1},
                )
            elif (
                before is not None
                and before.completed_on
                and self.completed_on
                and self.completed_on < before.completed_on
            ):
                refuse(
                    "completed_on",
                    _("A step cannot be completed before the step before it (%(date)s).")
                    % {"date": before.completed_on.isoformat()},
                )
        else:
            if after is not None and after.is_completed:
                refuse(
                    "status",
                    _("Step %(number)s stays completed while step %(after)s is completed.")
                    % {"number": self.number, "after": self.number + 1},
                )
            elif audit.assessment:
                refuse(
                    "status",
                    _("The audit has been assessed: its steps stay completed."),
                )
        errors.raise_any()


class MaterialBalanceLine(VersionedModel, models.Model):
    """One input or output of the audit focus's material (or water) balance, from step 3."""

    audit = models.ForeignKey(
        Audit, verbose_name=_("audit"), on_delete=models.CASCADE, related_name="balance_lines"
    )
    direction = models.CharField(
        _("input or output"), max_length=8, choices=BalanceDirection.choices
    )
    item = models.CharField(_("item"), max_length=120)
    quantity = models.DecimalField(
        _("quantity"), max_digits=16, decimal_places=3, validators=NON_NEGATIVE
    )
    unit = models.CharField(
        _("unit"),
        max_length=20,
        help_text=_("Inputs and outputs are balanced per unit, e.g. t/a or m³/a."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["audit", "direction", "position", "pk"]
        verbose_name = _("material balance line")
        verbose_name_plural = _("material balance lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=0),
                name="%(app_label)s_%(class)s_quantity_non_negative",
                violation_error_message=_("A quantity cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(direction__in=BalanceDirection.values),
                name="%(app_label)s_%(class)s_direction_valid",
                violation_error_message=_("A balance line is an input or an output."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.item} {self.quantity} {self.unit}"

    def get_absolute_url(self) -> str:
        return reverse("audits:balance", args=[self.audit_id])


def document_path(document: "AuditDocument", filename: str) -> str:
    # A generated name: what users call their files never reaches the file system.
    return f"audits/{document.audit_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class AuditDocument(TrackedModel):
    """A document attached to one step of an audit (work plan, balance sheet, report, ...)."""

    audit = models.ForeignKey(
        Audit, verbose_name=_("audit"), on_delete=models.CASCADE, related_name="documents"
    )
    step = models.ForeignKey(
        AuditStep, verbose_name=_("step"), on_delete=models.CASCADE, related_name="documents"
    )
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size_bytes = models.PositiveIntegerField(_("size (bytes)"))

    class Meta:
        ordering = ["step__number", "created"]
        verbose_name = _("audit document")
        verbose_name_plural = _("audit documents")
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
        return reverse("audits:document", args=[self.pk])

    def clean(self) -> None:
        if self.step_id and self.audit_id and self.step.audit_id != self.audit_id:
            raise ValidationError(_("The step belongs to another audit."))


class OptionQuerySet(models.QuerySet):
    def for_user(self, user) -> "OptionQuerySet":
        scope = audit_scope(user, prefix="audit__")
        return self.none() if scope is None else self.filter(scope)

    def search(self, text: str) -> "OptionQuerySet":
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(code__icontains=text)
            | Q(title__icontains=text)
            | Q(audit__ref__icontains=text)
            | enterprise_match(text, "audit__enterprise__")
        )


class Option(VersionedModel, TrackedModel):
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
        validators=NON_NEGATIVE,
        help_text=_("Estimated; the actual investment once implemented."),
    )
    annual_benefit_10k_yuan = models.DecimalField(
        _("annual economic benefit (10k yuan/year)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    implemented_on = models.DateField(_("implemented on"), null=True, blank=True)

    history = HistoricalRecords()
    objects = OptionQuerySet.as_manager()

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

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # The status and fee class as stored: a change must follow the allowed transitions.
        instance._stored_status = getattr(instance, "status", None)
        instance._stored_fee_class = getattr(instance, "fee_class", None)
        return instance

    @property
    def stored_status(self) -> str | None:
        """The status in the database (None for a new option)."""
        return getattr(self, "_stored_status", None)

    @property
    def transition_fee_class(self) -> str:
        """The fee class whose transitions apply: medium/high-fee if it is so now or was so
        when stored, so that a change of class in the same save cannot skip feasibility."""
        stored = getattr(self, "_stored_fee_class", None)
        if FeeClass.MEDIUM_HIGH in (stored, self.fee_class):
            return FeeClass.MEDIUM_HIGH
        return self.fee_class

    def allowed_statuses(self) -> list[str]:
        """The stored status and where it may move; every status for a new option."""
        current = self.stored_status
        if current is None:
            return list(OptionStatus.values)
        return [current, *next_statuses(self.transition_fee_class, current)]

    @property
    def is_medium_high(self) -> bool:
        return self.fee_class == FeeClass.MEDIUM_HIGH

    def clean(self) -> None:
        """Transitions, dates and the investment a medium/high-fee option needs."""
        errors = Refusals()
        refuse = errors.add

        stored = self.stored_status
        fee_class = self.transition_fee_class
        if stored is not None and self.status and not may_move(fee_class, stored, self.status):
            refuse(
                "status",
                _("An option cannot move from “%(old)s” to “%(new)s”.")
                % {
                    "old": OptionStatus(stored).label,
                    "new": OptionStatus(self.status).label,
                },
            )
        if self.status == OptionStatus.IMPLEMENTED:
            if self.implemented_on is None:
                refuse("implemented_on", _("Give the date the option was implemented."))
            elif self.audit_id and self.implemented_on < self.audit.started_on:
                refuse(
                    "implemented_on",
                    _("An option cannot be implemented before its audit started (%(date)s).")
                    % {"date": self.audit.started_on.isoformat()},
                )
        elif self.implemented_on is not None:
            refuse("implemented_on", _("Only an implemented option has an implementation date."))
        if (
            self.fee_class == FeeClass.MEDIUM_HIGH
            and self.status
            in (OptionStatus.FEASIBLE, OptionStatus.NOT_FEASIBLE, OptionStatus.IMPLEMENTED)
            and self.investment_10k_yuan is None
        ):
            refuse(
                "investment_10k_yuan",
                _(
                    "A medium/high-fee option needs its investment before it is feasible or "
                    "implemented."
                ),
            )
        errors.raise_any()


class OptionReduction(models.Model):
    """What an option cuts each year of one pollutant, in the pollutant's unit."""

    option = models.ForeignKey(
        Option, verbose_name=_("option"), on_delete=models.CASCADE, related_name="reductions"
    )
    pollutant = models.ForeignKey(
        Pollutant, verbose_name=_("pollutant"), on_delete=models.PROTECT, related_name="+"
    )
    amount_per_year = models.DecimalField(
        _("reduction per year"),
        max_digits=16,
        decimal_places=4,
        validators=NON_NEGATIVE,
        help_text=_("In the pollutant's unit per year."),
    )

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


class OptionFeasibility(VersionedModel, TrackedModel):
    """The feasibility inputs of a medium/high-fee option; the figures follow (finance.py)."""

    option = models.OneToOneField(
        Option, verbose_name=_("option"), on_delete=models.CASCADE, related_name="feasibility"
    )
    investment_10k_yuan = models.DecimalField(
        _("total investment I (10k yuan)"),
        max_digits=12,
        decimal_places=2,
        validators=NON_NEGATIVE,
    )
    annual_net_saving_10k_yuan = models.DecimalField(
        _("annual net saving P (10k yuan/year)"),
        max_digits=12,
        decimal_places=2,
        validators=NON_NEGATIVE,
    )
    depreciation_years = models.PositiveSmallIntegerField(
        _("depreciation period Y (years)"), validators=[MinValueValidator(1)]
    )
    tax_rate_pct = models.DecimalField(
        _("income tax rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=33,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    discount_rate_pct = models.DecimalField(
        _("discount rate (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("The discount or loan rate the IRR is compared with."),
    )
    life_years = models.PositiveSmallIntegerField(
        _("life of the option (years)"), validators=[MinValueValidator(1)]
    )
    technical_evaluation = models.TextField(_("technical evaluation"), blank=True)
    environmental_evaluation = models.TextField(_("environmental evaluation"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["option"]
        verbose_name = _("feasibility analysis")
        verbose_name_plural = _("feasibility analyses")
        constraints = [
            models.CheckConstraint(
                condition=Q(investment_10k_yuan__gte=0, annual_net_saving_10k_yuan__gte=0),
                name="%(app_label)s_%(class)s_amounts_non_negative",
                violation_error_message=_("Investment and saving cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(depreciation_years__gte=1, life_years__gte=1),
                name="%(app_label)s_%(class)s_years_positive",
                violation_error_message=_("Depreciation period and life are at least one year."),
            ),
            models.CheckConstraint(
                condition=Q(tax_rate_pct__gte=0, tax_rate_pct__lte=100)
                & Q(discount_rate_pct__gte=0, discount_rate_pct__lte=100),
                name="%(app_label)s_%(class)s_rates_range",
                violation_error_message=_("Rates are between 0 and 100%."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.option)

    def get_absolute_url(self) -> str:
        return reverse("audits:option_feasibility", args=[self.option_id])

    def clean(self) -> None:
        if self.option_id and self.option.fee_class != FeeClass.MEDIUM_HIGH:
            raise ValidationError(_("Only a medium/high-fee option has a feasibility analysis."))

    def evaluate(self) -> Evaluation:
        return evaluate(
            investment=self.investment_10k_yuan,
            annual_net_saving=self.annual_net_saving_10k_yuan,
            depreciation_years=self.depreciation_years,
            tax_rate=self.tax_rate_pct / 100,
            discount_rate=self.discount_rate_pct / 100,
            life_years=self.life_years,
        )
