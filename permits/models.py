"""Discharge permits (排污许可证) with their outlets and limits, and each permit's versions."""

import datetime
import uuid as _uuid
from pathlib import Path as _Path

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from benxi_cp.models import TrackedModel, VersionedModel
from benxi_cp.validators import DATE_MESSAGE, date_q
from enterprises.choices import Medium
from enterprises.models import Enterprise, Pollutant, enterprise_match
from permits.choices import (
    ANNUAL_UNIT,
    CONCENTRATION_UNITS,
    CaseOutcome,
    CaseStatus,
    FollowUpResult,
    Frequency,
    LimitBasis,
    Method,
    OutletCategory,
    OutletKind,
    ViolationKind,
)


def permit_document_path(permit: "Permit", filename: str) -> str:
    return f"permits/{_uuid.uuid4().hex}{_Path(filename).suffix.lower()}"


class PermitQuerySet(models.QuerySet):
    def for_user(self, user) -> "PermitQuerySet":
        """The one place access is decided: who holds `view_permit` sees every permit."""
        if not user.is_authenticated or not user.has_perm("permits.view_permit"):
            return self.none()
        return self

    def search(self, text: str) -> "PermitQuerySet":
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(number__icontains=text)
            | Q(issuer__icontains=text)
            | enterprise_match(text, "enterprise__")
        )

    def in_force_on(self, day: datetime.date) -> "PermitQuerySet":
        return self.filter(valid_from__lte=day, valid_to__gte=day)

    def in_force_during(self, first: datetime.date, last: datetime.date) -> "PermitQuerySet":
        return self.filter(valid_from__lte=last, valid_to__gte=first)


class Permit(VersionedModel, TrackedModel):
    """A discharge permit of one enterprise, in force from one day to another; its outlets
    and limits are those of its current version (earlier versions: PermitRevision)."""

    number = models.CharField(
        _("permit number"),
        max_length=40,
        unique=True,
        help_text=_("The permit's number, unique in the city."),
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="permits"
    )
    valid_from = models.DateField(_("valid from"), help_text=_("First day in force."))
    valid_to = models.DateField(_("valid to"), help_text=_("Last day in force."))
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    document = models.FileField(
        _("document"), upload_to=permit_document_path, max_length=200, blank=True
    )
    document_name = models.CharField(_("file name"), max_length=200, blank=True)
    document_type = models.CharField(_("content type"), max_length=100, blank=True)
    document_size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    revision = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Counts the permit's renewals and changes; the first issue is version 1."),
    )

    history = HistoricalRecords()
    objects = PermitQuerySet.as_manager()

    class Meta:
        ordering = ["enterprise__code", "-valid_from"]
        verbose_name = _("discharge permit")
        verbose_name_plural = _("discharge permits")
        constraints = [
            models.CheckConstraint(
                condition=~Q(number=""),
                name="%(app_label)s_%(class)s_number_not_empty",
                violation_error_message=_("A permit needs a number."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__gte=F("valid_from")),
                name="%(app_label)s_%(class)s_valid_to_after_from",
                violation_error_message=_("A permit's last day cannot be before its first day."),
            ),
            models.CheckConstraint(
                condition=date_q("valid_from") & date_q("valid_to"),
                name="%(app_label)s_%(class)s_dates_in_range",
                violation_error_message=DATE_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(revision__gte=1),
                name="%(app_label)s_%(class)s_revision_positive",
                violation_error_message=_("A permit's version starts at 1."),
            ),
        ]
        indexes = [
            # The permit of an enterprise in force on a day (monitoring checks, compliance).
            models.Index(
                fields=["enterprise", "valid_from", "valid_to"], name="permit_enterprise_days"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("permits:detail", args=[self.pk])

    def is_in_force(self, day: datetime.date | None = None) -> bool:
        day = day or datetime.date.today()
        return self.valid_from <= day <= self.valid_to


class PermitRevision(models.Model):
    """One version of a permit as it was issued or changed: its dates, issuer, outlets and
    limits, kept readable after a later version replaced them."""

    permit = models.ForeignKey(
        Permit, verbose_name=_("permit"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("version"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    # [{"outlet", "outlet_kind", "category", "pollutant", "basis", "limit", "unit",
    #   "monitoring"}] in the order of the permit page: the limits as they were.
    limits = models.JSONField(_("limits"), default=list)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(
        _("entered by"), max_length=32, blank=True, help_text=_("The page, or the file imported.")
    )

    class Meta:
        ordering = ["permit", "-number"]
        verbose_name = _("permit version")
        verbose_name_plural = _("permit versions")
        constraints = [
            models.UniqueConstraint(
                fields=["permit", "number"],
                name="%(app_label)s_%(class)s_one_per_number",
                violation_error_message=_("This permit has a version of this number already."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__gte=F("valid_from")),
                name="%(app_label)s_%(class)s_valid_to_after_from",
                violation_error_message=_("A permit's last day cannot be before its first day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.permit} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("permits:revision", args=[self.permit_id, self.number])


class Outlet(models.Model):
    """An outlet the permit numbers (DW001 waste water, DA001 waste gas)."""

    permit = models.ForeignKey(
        Permit, verbose_name=_("permit"), on_delete=models.CASCADE, related_name="outlets"
    )
    code = models.CharField(_("outlet"), max_length=16)
    kind = models.CharField(_("outlet kind"), max_length=8, choices=OutletKind.choices)
    category = models.CharField(
        _("category"), max_length=8, choices=OutletCategory.choices, default=OutletCategory.MAIN
    )

    class Meta:
        ordering = ["permit", "code"]
        verbose_name = _("outlet")
        verbose_name_plural = _("outlets")
        constraints = [
            models.UniqueConstraint(
                fields=["permit", "code"],
                name="%(app_label)s_%(class)s_one_per_code",
                violation_error_message=_("The permit has an outlet of this code already."),
            ),
            models.CheckConstraint(
                condition=~Q(code=""),
                name="%(app_label)s_%(class)s_code_not_empty",
                violation_error_message=_("An outlet needs a code."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=OutletKind.values),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message=_("An outlet discharges water or air."),
            ),
            models.CheckConstraint(
                condition=Q(category__in=OutletCategory.values),
                name="%(app_label)s_%(class)s_category_valid",
                violation_error_message=_("Unknown outlet category."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.permit} {self.code}"

    def get_absolute_url(self) -> str:
        return reverse("permits:detail", args=[self.permit_id])

    @property
    def unit(self) -> str:
        return CONCENTRATION_UNITS[self.kind]


class Limit(models.Model):
    """A limit of the permit: a concentration at an outlet (hourly or daily mean) with the
    monitoring it requires, or the enterprise's permitted quantity in a year."""

    permit = models.ForeignKey(
        Permit, verbose_name=_("permit"), on_delete=models.CASCADE, related_name="limits"
    )
    outlet = models.ForeignKey(
        Outlet,
        verbose_name=_("outlet"),
        on_delete=models.CASCADE,
        related_name="limits",
        null=True,
        blank=True,
        help_text=_("Empty for an annual total."),
    )
    pollutant = models.ForeignKey(
        Pollutant, verbose_name=_("pollutant"), on_delete=models.PROTECT, related_name="+"
    )
    basis = models.CharField(
        pgettext_lazy("averaging", "basis"), max_length=16, choices=LimitBasis.choices
    )
    value = models.DecimalField(
        _("limit"), max_digits=14, decimal_places=4, help_text=_("In the limit's unit.")
    )
    unit = models.CharField(_("unit"), max_length=8)
    monitoring = models.CharField(
        _("required monitoring"), max_length=16, choices=Frequency.choices, blank=True
    )

    class Meta:
        ordering = ["permit", "outlet__code", "pollutant__position", "basis"]
        verbose_name = _("limit")
        verbose_name_plural = _("limits")
        constraints = [
            models.UniqueConstraint(
                fields=["permit", "outlet", "pollutant", "basis"],
                condition=Q(outlet__isnull=False),
                name="%(app_label)s_%(class)s_one_per_outlet_pollutant_basis",
                violation_error_message=_(
                    "The permit has a limit of this pollutant and basis at this outlet already."
                ),
            ),
            models.UniqueConstraint(
                fields=["permit", "pollutant", "basis"],
                condition=Q(outlet__isnull=True),
                name="%(app_label)s_%(class)s_one_annual_total_per_pollutant",
                violation_error_message=_(
                    "The permit has an annual total of this pollutant already."
                ),
            ),
            models.CheckConstraint(
                condition=Q(value__gt=0),
                name="%(app_label)s_%(class)s_value_positive",
                violation_error_message=_("A limit is greater than zero."),
            ),
            models.CheckConstraint(
                condition=Q(basis__in=LimitBasis.values),
                name="%(app_label)s_%(class)s_basis_valid",
                violation_error_message=_("Unknown basis."),
            ),
            models.CheckConstraint(
                condition=Q(monitoring="") | Q(monitoring__in=Frequency.values),
                name="%(app_label)s_%(class)s_monitoring_valid",
                violation_error_message=_("Unknown monitoring frequency."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        basis=LimitBasis.ANNUAL_TOTAL,
                        outlet__isnull=True,
                        unit=ANNUAL_UNIT,
                        monitoring="",
                    )
                    | (
                        Q(basis__in=[LimitBasis.HOURLY_MEAN, LimitBasis.DAILY_MEAN])
                        & Q(outlet__isnull=False)
                        & Q(unit__in=list(CONCENTRATION_UNITS.values()))
                    )
                ),
                name="%(app_label)s_%(class)s_basis_fits_outlet_and_unit",
                violation_error_message=_(
                    "A concentration limit needs an outlet and mg/L or mg/m3; an annual total "
                    "has no outlet, no monitoring and is given in t."
                ),
            ),
        ]

    def __str__(self) -> str:
        where = self.outlet.code if self.outlet_id else _("annual total")
        return f"{self.permit} {where} {self.pollutant.code} {self.value} {self.unit}"

    def get_absolute_url(self) -> str:
        return reverse("permits:detail", args=[self.permit_id])


class MonitoringValueQuerySet(models.QuerySet):
    def for_user(self, user) -> "MonitoringValueQuerySet":
        """Who holds `view_monitoringvalue` sees every enterprise's monitoring."""
        if not user.is_authenticated or not user.has_perm("permits.view_monitoringvalue"):
            return self.none()
        return self


class MonitoringValue(TrackedModel):
    """A measured concentration at an enterprise's permitted outlet: the mean of one hour
    (`hour` the hour it starts) or of one day (no hour), in the outlet's unit."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="monitoring_values",
    )
    outlet = models.CharField(
        _("outlet"), max_length=16, help_text=_("The outlet's code in the permit in force.")
    )
    pollutant = models.ForeignKey(
        Pollutant, verbose_name=_("pollutant"), on_delete=models.PROTECT, related_name="+"
    )
    basis = models.CharField(
        pgettext_lazy("averaging", "basis"), max_length=16, choices=LimitBasis.choices
    )
    measured_on = models.DateField(_("day"))
    hour = models.PositiveSmallIntegerField(
        _("hour"), null=True, blank=True, help_text=_("The hour the mean starts (0–23).")
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4)
    below_detection = models.BooleanField(
        _("below detection"),
        default=False,
        help_text=_("The value is the method's detection limit; the true value lies below it."),
    )
    method = models.CharField(
        _("method"), max_length=16, choices=Method.choices, default=Method.MANUAL
    )

    objects = MonitoringValueQuerySet.as_manager()

    class Meta:
        ordering = ["enterprise", "outlet", "pollutant", "measured_on", "hour"]
        verbose_name = _("monitoring value")
        verbose_name_plural = _("monitoring values")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "outlet", "pollutant", "measured_on", "hour"],
                condition=Q(basis=LimitBasis.HOURLY_MEAN),
                name="%(app_label)s_%(class)s_one_per_hour",
                violation_error_message=_(
                    "This outlet has a value of this pollutant for this hour already."
                ),
            ),
            models.UniqueConstraint(
                fields=["enterprise", "outlet", "pollutant", "measured_on"],
                condition=Q(basis=LimitBasis.DAILY_MEAN),
                name="%(app_label)s_%(class)s_one_per_day",
                violation_error_message=_(
                    "This outlet has a daily value of this pollutant for this day already."
                ),
            ),
            models.CheckConstraint(
                condition=(
                    Q(basis=LimitBasis.HOURLY_MEAN, hour__isnull=False, hour__lte=23)
                    | Q(basis=LimitBasis.DAILY_MEAN, hour__isnull=True)
                ),
                name="%(app_label)s_%(class)s_hour_fits_basis",
                violation_error_message=_("An hourly mean has its hour (0–23), a daily mean none."),
            ),
            models.CheckConstraint(
                condition=date_q("measured_on"),
                name="%(app_label)s_%(class)s_day_in_range",
                violation_error_message=DATE_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="%(app_label)s_%(class)s_value_non_negative",
                violation_error_message=_("A concentration cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(method__in=Method.values),
                name="%(app_label)s_%(class)s_method_valid",
                violation_error_message=_("Unknown monitoring method."),
            ),
            models.CheckConstraint(
                condition=~Q(outlet=""),
                name="%(app_label)s_%(class)s_outlet_not_empty",
                violation_error_message=_("A value is measured at an outlet."),
            ),
        ]
        indexes = [
            # A year's values of each outlet and pollutant (compliance, the monitoring list
            # by day).
            models.Index(fields=["measured_on", "enterprise"], name="monitoring_day_enterprise"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.outlet} {self.pollutant_id} {self.measured_at_text}"

    def get_absolute_url(self) -> str:
        return reverse("permits:monitoring") + f"?enterprise={self.enterprise_id}"

    @property
    def measured_at_text(self) -> str:
        """The time as the format writes it: `YYYY-MM-DD`, or `YYYY-MM-DD HH:00`."""
        day = self.measured_on.isoformat()
        return day if self.hour is None else f"{day} {self.hour:02d}:00"


# The environmental protection tax ------------------------------------------------------------
# The media the tax is levied on, of the register's media (enterprises.choices.Medium): the
# fields' choices and the database's check read the same values.
TAXED_MEDIA = [m for m in Medium if m in (Medium.WATER, Medium.AIR)]
TAX_MEDIA = [(m.value, m.label) for m in TAXED_MEDIA]


class TaxEquivalent(models.Model):
    """A taxable pollutant: the kilograms that make one pollution equivalent."""

    pollutant = models.OneToOneField(
        Pollutant, verbose_name=_("pollutant"), on_delete=models.PROTECT, related_name="+"
    )
    medium = models.CharField(_("medium"), max_length=8, choices=TAX_MEDIA)
    equivalent_kg = models.DecimalField(
        _("equivalent (kg)"),
        max_digits=12,
        decimal_places=4,
        help_text=_("Kilograms of the pollutant that make one pollution equivalent."),
    )
    law = models.CharField(
        _("law cited"), max_length=255, blank=True, help_text=_("Where the value is laid down.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["medium", "pollutant__code"]
        verbose_name = _("pollution equivalent")
        verbose_name_plural = _("pollution equivalents")
        constraints = [
            models.CheckConstraint(
                condition=Q(equivalent_kg__gt=0),
                name="%(app_label)s_%(class)s_equivalent_positive",
                violation_error_message=_("An equivalent is greater than zero."),
            ),
            models.CheckConstraint(
                condition=Q(medium__in=[m.value for m in TAXED_MEDIA]),
                name="%(app_label)s_%(class)s_medium_valid",
                violation_error_message=_("The tax is levied on discharge to water or air."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pollutant.code} {self.equivalent_kg} kg"

    def get_absolute_url(self) -> str:
        return reverse("admin:permits_taxequivalent_change", args=[self.pk])


class TaxRate(models.Model):
    """The tax in yuan per pollution equivalent of a medium."""

    medium = models.CharField(_("medium"), max_length=8, choices=TAX_MEDIA, unique=True)
    rate_yuan = models.DecimalField(
        _("rate (yuan per equivalent)"), max_digits=10, decimal_places=4
    )
    law = models.CharField(
        _("law cited"), max_length=255, blank=True, help_text=_("Where the rate is laid down.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["medium"]
        verbose_name = _("tax rate")
        verbose_name_plural = _("tax rates")
        constraints = [
            models.CheckConstraint(
                condition=Q(rate_yuan__gte=0),
                name="%(app_label)s_%(class)s_rate_non_negative",
                violation_error_message=_("A rate cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(medium__in=[m.value for m in TAXED_MEDIA]),
                name="%(app_label)s_%(class)s_medium_valid",
                violation_error_message=_("The tax is levied on discharge to water or air."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.medium} {self.rate_yuan}"

    def get_absolute_url(self) -> str:
        return reverse("admin:permits_taxrate_change", args=[self.pk])


# Enforcement cases ---------------------------------------------------------------------------
def case_document_path(case: "EnforcementCase", filename: str) -> str:
    return f"permits/cases/{_uuid.uuid4().hex}{_Path(filename).suffix.lower()}"


class EnforcementCaseQuerySet(models.QuerySet):
    def for_user(self, user) -> "EnforcementCaseQuerySet":
        """The one place access is decided: who holds `view_enforcementcase` (the EPB, the
        programme office, the leading team) sees every case; enterprise users hold it not."""
        if not user.is_authenticated or not user.has_perm("permits.view_enforcementcase"):
            return self.none()
        return self

    def search(self, text: str) -> "EnforcementCaseQuerySet":
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(notice_number__icontains=text)
            | Q(decision_number__icontains=text)
            | Q(summary__icontains=text)
            | enterprise_match(text, "enterprise__")
        )

    def still_open(self) -> "EnforcementCaseQuerySet":
        return self.exclude(status=CaseStatus.CLOSED)

    def overdue_on(self, day: datetime.date) -> "EnforcementCaseQuerySet":
        """Open cases whose rectification deadline has passed."""
        return self.still_open().filter(deadline__lt=day)


class EnforcementCase(VersionedModel, TrackedModel):
    """An EPB enforcement case against an enterprise's violations: the notice with its
    rectification deadline (限期整改), the follow-up monitoring and the outcome."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="enforcement_cases",
    )
    summary = models.CharField(
        _("summary"), max_length=200, help_text=_("What the case is about, in a line.")
    )
    opened_on = models.DateField(_("opened on"))
    status = models.CharField(
        _("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    notice_number = models.CharField(_("notice number"), max_length=60, blank=True)
    notice_date = models.DateField(_("notice date"), null=True, blank=True)
    deadline = models.DateField(
        _("rectification deadline"),
        null=True,
        blank=True,
        help_text=_("The day by which the notice orders the enterprise to rectify (限期整改)."),
    )
    document = models.FileField(
        _("notice document"), upload_to=case_document_path, max_length=200, blank=True
    )
    document_name = models.CharField(_("file name"), max_length=200, blank=True)
    document_type = models.CharField(_("content type"), max_length=100, blank=True)
    document_size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    outcome = models.CharField(_("outcome"), max_length=16, choices=CaseOutcome.choices, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    penalty_yuan = models.DecimalField(
        _("penalty (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    decision_number = models.CharField(_("penalty decision number"), max_length=60, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()
    objects = EnforcementCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = _("enforcement case")
        verbose_name_plural = _("enforcement cases")
        constraints = [
            models.CheckConstraint(
                condition=~Q(summary=""),
                name="%(app_label)s_%(class)s_summary_not_empty",
                violation_error_message=_("A case needs a summary."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=CaseStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message=_("Unknown case status."),
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=CaseOutcome.values),
                name="%(app_label)s_%(class)s_outcome_valid",
                violation_error_message=_("Unknown case outcome."),
            ),
            models.CheckConstraint(
                condition=Q(status=CaseStatus.OPEN)
                | (~Q(notice_number="") & Q(notice_date__isnull=False) & Q(deadline__isnull=False)),
                name="%(app_label)s_%(class)s_notice_complete",
                violation_error_message=_(
                    "A case past its opening has its notice: number, date and rectification "
                    "deadline."
                ),
            ),
            models.CheckConstraint(
                condition=Q(deadline__isnull=True)
                | Q(notice_date__isnull=True)
                | Q(deadline__gt=F("notice_date")),
                name="%(app_label)s_%(class)s_deadline_after_notice",
                violation_error_message=_("The rectification deadline comes after the notice."),
            ),
            models.CheckConstraint(
                condition=Q(notice_date__isnull=True) | Q(notice_date__gte=F("opened_on")),
                name="%(app_label)s_%(class)s_notice_after_opening",
                violation_error_message=_("The notice cannot be dated before the case opened."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=CaseStatus.CLOSED)
                    & ~Q(outcome="")
                    & Q(closed_on__isnull=False)
                    & Q(closed_on__gte=F("opened_on"))
                )
                | (~Q(status=CaseStatus.CLOSED) & Q(outcome="") & Q(closed_on__isnull=True)),
                name="%(app_label)s_%(class)s_closed_with_outcome",
                violation_error_message=_(
                    "A closed case has its outcome and the day it closed (not before it "
                    "opened); an open case has neither."
                ),
            ),
            models.CheckConstraint(
                condition=(
                    Q(outcome=CaseOutcome.PENALTY, penalty_yuan__isnull=False, penalty_yuan__gt=0)
                    & ~Q(decision_number="")
                )
                | (
                    ~Q(outcome=CaseOutcome.PENALTY)
                    & Q(penalty_yuan__isnull=True)
                    & Q(decision_number="")
                ),
                name="%(app_label)s_%(class)s_penalty_complete",
                violation_error_message=_(
                    "A penalty has an amount above zero and a decision number; other outcomes "
                    "have neither."
                ),
            ),
            models.CheckConstraint(
                condition=date_q("opened_on")
                & (Q(notice_date__isnull=True) | date_q("notice_date"))
                & (Q(deadline__isnull=True) | date_q("deadline"))
                & (Q(closed_on__isnull=True) | date_q("closed_on")),
                name="%(app_label)s_%(class)s_dates_in_range",
                violation_error_message=DATE_MESSAGE,
            ),
        ]
        indexes = [
            # The EPB's queue of open cases by deadline, and the enterprise page's cases.
            models.Index(fields=["status", "deadline"], name="case_status_deadline"),
        ]

    def __str__(self) -> str:
        return self.notice_number or _("Case %(number)s") % {"number": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("permits:case", args=[self.pk])

    def is_overdue(self, day: datetime.date) -> bool:
        return (
            self.status != CaseStatus.CLOSED and self.deadline is not None and self.deadline < day
        )


class CaseViolation(models.Model):
    """A violation an enforcement case concerns: a row of the compliance page (an outlet's
    exceedances or missing monitoring of a pollutant in a year, an annual quantity above the
    permit's) or another, described."""

    case = models.ForeignKey(
        EnforcementCase,
        verbose_name=_("enforcement case"),
        on_delete=models.CASCADE,
        related_name="violations",
    )
    kind = models.CharField(_("violation"), max_length=16, choices=ViolationKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    outlet = models.CharField(_("outlet"), max_length=16, blank=True)
    pollutant = models.ForeignKey(
        Pollutant,
        verbose_name=_("pollutant"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    description = models.CharField(_("description"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "year", "outlet", "pk"]
        verbose_name = _("violation")
        verbose_name_plural = _("violations")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ViolationKind.values),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message=_("Unknown kind of violation."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind__in=[ViolationKind.EXCEEDANCE, ViolationKind.MISSING])
                    & ~Q(outlet="")
                    & Q(pollutant__isnull=False)
                )
                | Q(kind=ViolationKind.QUANTITY, outlet="", pollutant__isnull=False)
                | (Q(kind=ViolationKind.OTHER) & ~Q(description="")),
                name="%(app_label)s_%(class)s_identified",
                violation_error_message=_(
                    "An exceedance or missing monitoring names its outlet and pollutant, an "
                    "annual quantity its pollutant (no outlet), another violation its "
                    "description."
                ),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1949, year__lte=2100),
                name="%(app_label)s_%(class)s_year_in_range",
                violation_error_message=_("The year must lie between 1949 and 2100."),
            ),
        ]

    def __str__(self) -> str:
        parts = [str(self.year), self.outlet, self.pollutant.code if self.pollutant_id else ""]
        return " ".join(part for part in [self.get_kind_display(), *parts] if part)

    def get_absolute_url(self) -> str:
        return reverse("permits:case", args=[self.case_id])


class CaseFollowUp(models.Model):
    """A follow-up monitoring of an enforcement case: the day, what it found and notes."""

    case = models.ForeignKey(
        EnforcementCase,
        verbose_name=_("enforcement case"),
        on_delete=models.CASCADE,
        related_name="follow_ups",
    )
    checked_on = models.DateField(_("day"))
    result = models.CharField(_("result"), max_length=16, choices=FollowUpResult.choices)
    notes = models.CharField(_("notes"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "checked_on", "pk"]
        verbose_name = _("follow-up monitoring")
        verbose_name_plural = _("follow-up monitoring")
        constraints = [
            models.CheckConstraint(
                condition=Q(result__in=FollowUpResult.values),
                name="%(app_label)s_%(class)s_result_valid",
                violation_error_message=_("Unknown follow-up result."),
            ),
            models.CheckConstraint(
                condition=date_q("checked_on"),
                name="%(app_label)s_%(class)s_day_in_range",
                violation_error_message=DATE_MESSAGE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.checked_on.isoformat()} {self.get_result_display()}"

    def get_absolute_url(self) -> str:
        return reverse("permits:case", args=[self.case_id])
