"""CP audits through their eight steps: the audit, its steps, material balance, documents
and unlocks, and the rules between them (its options: audits/models/options.py)."""

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from audits.choices import (
    RETAINED_STATUSES,
    AcceptingBody,
    BalanceDirection,
    FeeClass,
    OptionStatus,
    StepStatus,
    Verdict,
)
from audits.steps import STEP_RULES, definition
from benxi_cp import guards
from benxi_cp.models import StoredDocument, TrackedModel, VersionedModel, stored_document_path
from enterprises.models import Enterprise, enterprise_match

STEP_COUNT = 8
NON_NEGATIVE = [MinValueValidator(0)]


class Refusals(dict):
    """The messages a model's clean() collects per field, raised together."""

    def add(self, field: str, message) -> None:
        self.setdefault(field, []).append(message)

    def raise_any(self) -> None:
        if self:
            raise ValidationError(dict(self))


class AuditLocked(ValidationError):
    """A record of an accepted (locked) audit was about to change without an unlock."""

    def __init__(self, audit=None):
        super().__init__(lock_message(audit), code="audit_locked")


def lock_message(audit=None) -> str:
    if audit is None:
        return _(
            "The audit has been accepted and is locked: its options and figures do not change "
            "unless an administrator unlocks it, with a reason."
        )
    return _(
        "The audit %(audit)s has been accepted and is locked: its options and figures do not "
        "change unless an administrator unlocks it, with a reason."
    ) % {"audit": audit.ref}


def lock_suspended(using: str = "default") -> bool:
    """Whether a loader of generated data writes below the lock (benxi_cp.guards)."""
    return guards.is_suspended(using)


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
        # The columns an accepted audit keeps (LOCKED_FIELDS), as stored.
        instance._stored_locked = {
            name: getattr(instance, name, None) for name in Audit.LOCKED_FIELDS
        }
        return instance

    # What an accepted audit keeps until an administrator unlocks it; the demonstration
    # comes after the acceptance, and the focus, lead and team are descriptions.
    LOCKED_FIELDS = (
        "enterprise_id",
        "ref",
        "started_on",
        "steps_completed",
        "assessment",
        "assessed_on",
        "assessment_score",
        "acceptance",
        "accepted_by",
        "accepted_on",
    )

    @property
    def stored_acceptance(self) -> str | None:
        return getattr(self, "_stored_locked", {}).get("acceptance")

    @property
    def is_locked(self) -> bool:
        """Accepted as stored, and no administrator's unlock is open (one query at most).
        Never while a loader writes below the lock (benxi_cp.guards.suspended)."""
        if self.stored_acceptance != Verdict.PASS or lock_suspended():
            return False
        if not hasattr(self, "_is_locked"):
            self._is_locked = not self.unlocks.filter(relocked_at__isnull=True).exists()
        return self._is_locked

    def forget_lock(self) -> None:
        """Read the lock again on next use (after an unlock or a relock)."""
        self.__dict__.pop("_is_locked", None)

    def locked_changes(self) -> list[str]:
        """The locked columns this instance changes from what is stored."""
        stored = getattr(self, "_stored_locked", {})
        return [name for name in self.LOCKED_FIELDS if stored.get(name) != getattr(self, name)]

    def guard(self) -> None:
        """Refuse to write an accepted audit's locked columns without an unlock."""
        if self.pk and self.locked_changes() and self.is_locked:
            raise AuditLocked(self)

    def save(self, *args, **kwargs):
        adding = self._state.adding
        if not adding:
            self.guard()
        super().save(*args, **kwargs)
        self._stored_locked = {name: getattr(self, name) for name in self.LOCKED_FIELDS}
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

    def delete(self, *args, **kwargs):
        if self.pk and self.is_locked:
            raise AuditLocked(self)
        with transaction.atomic():
            if self.pk and self.stored_acceptance == Verdict.PASS:
                # Unlocked: the acceptance goes first (the database keeps an accepted audit's
                # row while its unlock is open, and its unlocks go with it).
                Audit.objects.filter(pk=self.pk).update(
                    acceptance="",
                    accepted_by="",
                    accepted_on=None,
                    demonstration=False,
                    demonstration_on=None,
                )
            return super().delete(*args, **kwargs)

    def clean(self) -> None:
        """The order of an audit's end: eight steps, assessment, acceptance, demonstration."""
        errors = Refusals()
        refuse = errors.add
        if self.pk and self.locked_changes() and self.is_locked:
            raise AuditLocked(self)
        stored_steps = getattr(self, "_stored_locked", {}).get("steps_completed") or 0
        for number in range(stored_steps + 1, min(self.steps_completed or 0, STEP_COUNT) + 1):
            message = step_refusal(self, number)
            if message:
                refuse("steps_completed", message)
                break

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


class LockedWithAudit(models.Model):
    """A record of an audit that the audit's acceptance locks (options, their reductions and
    feasibility, balance lines, steps): a change of its data is refused while the audit is
    locked (`Audit.is_locked`); saving it unchanged writes nothing."""

    # Stamps of who touched a record last are not its data.
    LOCK_IGNORED = frozenset({"id", "created", "updated", "created_by_id", "updated_by_id"})

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        audit = self.lock_audit()
        if audit is not None and audit.is_locked:
            if self.changes_data():
                raise AuditLocked(audit)
            return  # unchanged: nothing to write, and nothing the lock would refuse
        super().save(*args, **kwargs)
        self._lock_snapshot = self._lock_values()

    def delete(self, *args, **kwargs):
        audit = self.lock_audit()
        if audit is not None and audit.is_locked:
            raise AuditLocked(audit)
        return super().delete(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._lock_snapshot = instance._lock_values()
        return instance

    def _lock_values(self) -> dict:
        return {
            field.attname: self.__dict__[field.attname]
            for field in self._meta.concrete_fields
            if field.attname in self.__dict__ and field.attname not in self.LOCK_IGNORED
        }

    def lock_audit(self) -> "Audit | None":
        raise NotImplementedError

    def changes_data(self) -> bool:
        """Whether saving this record would change what is stored (always, when new)."""
        snapshot = getattr(self, "_lock_snapshot", None)
        if self._state.adding or snapshot is None:
            return True
        return any(getattr(self, name) != value for name, value in snapshot.items())

    def check_lock(self) -> None:
        """Refuse a change while the audit is locked (AuditLocked, a ValidationError)."""
        audit = self.lock_audit()
        if audit is not None and self.changes_data() and audit.is_locked:
            raise AuditLocked(audit)


class AuditStep(LockedWithAudit, VersionedModel, models.Model):
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

    def lock_audit(self) -> "Audit | None":
        return self.audit if self.audit_id else None

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
        """Steps complete in order, and reopen only while the next one is still open; steps
        3, 4 and 5 complete only with what they produce (`step_refusal`)."""
        errors = Refusals()
        refuse = errors.add

        audit = self.audit
        self.check_lock()
        unknown = set(self.checklist or []) - set(self.definition.keys)
        if unknown:
            refuse("checklist", _("Unknown deliverables: %s") % ", ".join(sorted(unknown)))
        if self.completed_on is not None and self.status != StepStatus.COMPLETED:
            refuse("completed_on", _("Only a completed step has a completion date."))
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
            message = step_refusal(audit, self.number)
            if message:
                refuse("status", message)
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


class MaterialBalanceLine(LockedWithAudit, VersionedModel, models.Model):
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

    def lock_audit(self) -> "Audit | None":
        return self.audit if self.audit_id else None

    def clean(self) -> None:
        self.check_lock()

    def delete(self, *args, **kwargs):
        others = MaterialBalanceLine.objects.filter(audit_id=self.audit_id).exclude(pk=self.pk)
        if not others.exists() and balance_required(self.audit):
            raise ValidationError(BALANCE_KEPT)
        return super().delete(*args, **kwargs)


def document_path(document: "AuditDocument", filename: str) -> str:
    """Where the first migrations stored audit documents (they name this function)."""
    return stored_document_path(document, filename)


class AuditDocument(StoredDocument):
    """A document attached to one step of an audit (work plan, balance sheet, report, ...)."""

    audit = models.ForeignKey(
        Audit, verbose_name=_("audit"), on_delete=models.CASCADE, related_name="documents"
    )
    step = models.ForeignKey(
        AuditStep, verbose_name=_("step"), on_delete=models.CASCADE, related_name="documents"
    )

    class Meta(StoredDocument.Meta):
        ordering = ["step__number", "created"]
        verbose_name = _("audit document")
        verbose_name_plural = _("audit documents")

    def folder(self) -> str:
        return f"audits/{self.audit_id}"

    def get_absolute_url(self) -> str:
        return reverse("audits:document", args=[self.pk])

    def clean(self) -> None:
        if self.step_id and self.audit_id and self.step.audit_id != self.audit_id:
            raise ValidationError(_("The step belongs to another audit."))


def step_refusal(audit: Audit, number: int) -> str | None:
    """Why step `number` of `audit` cannot be completed yet (None: it can). Steps 3, 4 and 5
    complete only with what they produce: the material balance, every option screened,
    every kept medium/high-fee option's feasibility analysis (audits/steps.py, STEP_RULES)."""
    Option = apps.get_model("audits", "Option")  # noqa: N806 (its module builds on this one)

    if number == 3:
        if not audit.pk or not MaterialBalanceLine.objects.filter(audit_id=audit.pk).exists():
            return STEP_RULES[3].refusal
    elif number == 4:
        codes = _codes(Option.objects.filter(audit_id=audit.pk, status=OptionStatus.PROPOSED))
        if audit.pk and codes:
            return STEP_RULES[4].refusal % {"codes": codes}
    elif number == 5:
        codes = _codes(
            Option.objects.filter(
                audit_id=audit.pk,
                fee_class=FeeClass.MEDIUM_HIGH,
                status__in=RETAINED_STATUSES,
                feasibility__isnull=True,
            )
        )
        if audit.pk and codes:
            return STEP_RULES[5].refusal % {"codes": codes}
    return None


BALANCE_KEPT = STEP_RULES[3].kept


def balance_required(audit: Audit) -> bool:
    """Step 3 of the audit is completed, so its material balance must stay."""
    return bool(audit.pk) and audit.steps.filter(number=3, status=StepStatus.COMPLETED).exists()


def _codes(options) -> str:
    codes = list(options.order_by("code").values_list("code", flat=True)[:11])
    return ", ".join(codes[:10]) + (" …" if len(codes) > 10 else "")


class AuditUnlock(models.Model):
    """An administrator's unlocking of an accepted audit: who, when, why, and when it was
    locked again. While it is open, the audit's options and figures may change."""

    audit = models.ForeignKey(
        Audit, verbose_name=_("audit"), on_delete=models.CASCADE, related_name="unlocks"
    )
    unlocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("unlocked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    unlocked_at = models.DateTimeField(_("unlocked at"), auto_now_add=True)
    reason = models.TextField(_("reason"))
    relocked_at = models.DateTimeField(_("locked again at"), null=True, blank=True)
    relocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("locked again by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-unlocked_at", "-pk"]
        verbose_name = _("audit unlock")
        verbose_name_plural = _("audit unlocks")
        permissions = [("unlock_audit", _("Can unlock accepted audits"))]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="%(app_label)s_%(class)s_reason_required",
                violation_error_message=_("An unlock needs a reason."),
            ),
            models.UniqueConstraint(
                fields=["audit"],
                condition=Q(relocked_at__isnull=True),
                name="%(app_label)s_%(class)s_one_open_per_audit",
                violation_error_message=_("The audit is already unlocked."),
            ),
            models.CheckConstraint(
                condition=Q(relocked_at__isnull=True, relocked_by__isnull=True)
                | Q(relocked_at__isnull=False),
                name="%(app_label)s_%(class)s_relocked_by_with_date",
                violation_error_message=_("Who locked the audit again needs the date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.audit} {self.unlocked_at:%Y-%m-%d}" if self.unlocked_at else str(self.audit)

    def get_absolute_url(self) -> str:
        return self.audit.get_absolute_url()

    @property
    def is_open(self) -> bool:
        return self.relocked_at is None


def locked_audits_q(prefix: str = "") -> Q:
    """Audits (or, with a prefix, records of them) locked now: accepted, no unlock open."""
    return Q(**{f"{prefix}acceptance": Verdict.PASS}) & ~Q(
        Exists(
            AuditUnlock.objects.filter(
                audit_id=OuterRef(f"{prefix}pk" if prefix else "pk"), relocked_at__isnull=True
            )
        )
    )
