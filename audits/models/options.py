"""The CP options of an audit: what each costs and saves, its annual reductions of
pollutants, and its feasibility analysis."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from audits.choices import (
    RETAINED_STATUSES,
    Aspect,
    FeeClass,
    OptionStatus,
    may_move,
    next_statuses,
)
from audits.finance import Evaluation, evaluate
from audits.models.audit import (
    NON_NEGATIVE,
    STEP_COUNT,
    Audit,
    LockedWithAudit,
    Refusals,
    audit_scope,
)
from audits.steps import STEP_RULES
from benxi_cp.models import TrackedModel, VersionedModel
from enterprises.models import Pollutant, enterprise_match


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


class Option(LockedWithAudit, VersionedModel, TrackedModel):
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
    # The estimate (screening, feasibility) and, once implemented, the actual figures, side
    # by side: the programme counts the actual figure, else the estimate (audits/programme.py).
    investment_10k_yuan = models.DecimalField(
        _("estimated investment (10k yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
        help_text=_("As estimated before implementation; kept when the actual one is entered."),
    )
    annual_benefit_10k_yuan = models.DecimalField(
        _("estimated annual economic benefit (10k yuan/year)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    actual_investment_10k_yuan = models.DecimalField(
        _("actual investment (10k yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
        help_text=_(
            "What the implemented option cost. The programme figures count it; where it is "
            "empty they count the estimate, and say so."
        ),
    )
    actual_annual_benefit_10k_yuan = models.DecimalField(
        _("actual annual economic benefit (10k yuan/year)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
        help_text=_("What the implemented option brings in a year, as measured."),
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
                condition=(
                    Q(actual_investment_10k_yuan__isnull=True)
                    | Q(actual_investment_10k_yuan__gte=0)
                )
                & (
                    Q(actual_annual_benefit_10k_yuan__isnull=True)
                    | Q(actual_annual_benefit_10k_yuan__gte=0)
                ),
                name="%(app_label)s_%(class)s_actual_amounts_non_negative",
                violation_error_message=_("Investment and benefit cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(status=OptionStatus.IMPLEMENTED)
                | Q(
                    actual_investment_10k_yuan__isnull=True,
                    actual_annual_benefit_10k_yuan__isnull=True,
                ),
                name="%(app_label)s_%(class)s_actual_only_when_implemented",
                violation_error_message=_("Only an implemented option has actual figures."),
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

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._stored_status = self.status
        self._stored_fee_class = self.fee_class

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
        """Transitions, dates, the investment and feasibility a medium/high-fee option needs,
        what the audit's completed steps promise, and the lock of an accepted audit."""
        errors = Refusals()
        refuse = errors.add
        self.check_lock()

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
        if self.status != OptionStatus.IMPLEMENTED:
            for field in ("actual_investment_10k_yuan", "actual_annual_benefit_10k_yuan"):
                if getattr(self, field) is not None:
                    refuse(field, _("Only an implemented option has actual figures."))
        if self.fee_class == FeeClass.MEDIUM_HIGH:
            self._feasibility_rules(refuse)
        if self.audit_id:
            self._step_rules(refuse)
        errors.raise_any()

    def feasibility_for_rules(self) -> "OptionFeasibility | None":
        """The analysis the rules read: one being saved with this option (the feasibility
        page), else the stored one."""
        pending = getattr(self, "_pending_feasibility", None)
        if pending is not None:
            return pending
        if not self.pk:
            return None
        try:
            return self.feasibility
        except OptionFeasibility.DoesNotExist:
            return None

    def _feasibility_rules(self, refuse) -> None:
        """A medium/high-fee option is feasible or implemented only with its analysis; with
        a negative NPV, only with a written reason."""
        if self.status not in (OptionStatus.FEASIBLE, OptionStatus.IMPLEMENTED):
            return
        feasibility = self.feasibility_for_rules()
        if feasibility is None:
            refuse(
                "status",
                _(
                    "A medium/high-fee option becomes “%(status)s” only with its feasibility "
                    "analysis: record it first."
                )
                % {"status": OptionStatus(self.status).label},
            )
            return
        message = feasibility.negative_npv_refusal(self.status)
        if message:
            refuse("status", message)

    def _step_rules(self, refuse) -> None:
        """What completed steps 4 and 5 of the audit promise: no option left proposed, and
        every medium/high-fee option kept at screening with its feasibility analysis."""
        completed = self.audit.steps_completed or 0
        if completed >= 4 and self.status == OptionStatus.PROPOSED:
            refuse("status", STEP_RULES[4].kept)
        if (
            completed >= 5
            and self.fee_class == FeeClass.MEDIUM_HIGH
            and self.status in RETAINED_STATUSES
            and self.feasibility_for_rules() is None
        ):
            refuse("status", STEP_RULES[5].kept)

    def lock_audit(self) -> "Audit | None":
        return self.audit if self.audit_id else None

    @property
    def counted_investment(self) -> Decimal | None:
        """What the programme counts: the actual investment, else the estimate."""
        if self.actual_investment_10k_yuan is not None:
            return self.actual_investment_10k_yuan
        return self.investment_10k_yuan

    @property
    def counted_benefit(self) -> Decimal | None:
        if self.actual_annual_benefit_10k_yuan is not None:
            return self.actual_annual_benefit_10k_yuan
        return self.annual_benefit_10k_yuan


class OptionReduction(LockedWithAudit, models.Model):
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

    def lock_audit(self) -> "Audit | None":
        return self.option.audit if self.option_id else None

    def clean(self) -> None:
        self.check_lock()


class OptionFeasibility(LockedWithAudit, VersionedModel, TrackedModel):
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
    negative_npv_reason = models.TextField(
        _("reason to go ahead despite a negative NPV"),
        blank=True,
        help_text=_(
            "Required when the option is concluded feasible (or implemented) although its net "
            "present value is negative: why it is worth doing."
        ),
    )

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
        if not self.option_id:
            return
        self.check_lock()
        if self.option.fee_class != FeeClass.MEDIUM_HIGH:
            raise ValidationError(_("Only a medium/high-fee option has a feasibility analysis."))
        message = self.negative_npv_refusal(self.option.status)
        if message:
            raise ValidationError({"negative_npv_reason": message})

    def negative_npv_refusal(self, status: str) -> str | None:
        """The refusal of `status` (feasible, implemented) for these figures: a negative NPV
        needs a written reason. None when nothing is refused."""
        if status not in (OptionStatus.FEASIBLE, OptionStatus.IMPLEMENTED):
            return None
        if (self.negative_npv_reason or "").strip():
            return None
        inputs = (self.tax_rate_pct, self.discount_rate_pct, self.investment_10k_yuan)
        if any(value is None for value in inputs):
            return None  # the fields say what is missing
        npv = self.evaluate().npv
        if isinstance(npv, Decimal) and npv < 0:
            return _(
                "The net present value is negative (%(npv)s): an option is “%(status)s” "
                "only with a written reason to go ahead."
            ) % {"npv": npv, "status": OptionStatus(status).label}
        return None

    def lock_audit(self) -> "Audit | None":
        return self.option.audit if self.option_id else None

    def evaluate(self) -> Evaluation:
        return evaluate(
            investment=self.investment_10k_yuan,
            annual_net_saving=self.annual_net_saving_10k_yuan,
            depreciation_years=self.depreciation_years,
            tax_rate=self.tax_rate_pct / 100,
            discount_rate=self.discount_rate_pct / 100,
            life_years=self.life_years,
        )
