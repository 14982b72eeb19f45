"""The enterprise register and the pollutant catalogue shared by audits and discharge reports."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from benxi_cp import scoping
from benxi_cp.models import TrackedModel, VersionedModel
from benxi_cp.units import unit_label
from benxi_cp.validators import year_q
from enterprises import districts
from enterprises.choices import (
    Basis,
    CpStatus,
    FlagCode,
    Grade,
    Medium,
    Ownership,
    PeriodKind,
    ReportStatus,
    Sector,
    Severity,
    Size,
)
from enterprises.flags import render_message


def bilingual(zh: str, en: str) -> str:
    """The name to show in the active language, falling back to whichever is filled in."""
    if (get_language() or "").startswith("en"):
        return en or zh
    return zh or en


def enterprise_match(text: str, prefix: str = "") -> models.Q:
    """The enterprise at `prefix` (e.g. "audit__enterprise__") has `text` in its code or in
    its Chinese or English name: the free-text search of every list that names enterprises."""
    return (
        models.Q(**{f"{prefix}code__icontains": text})
        | models.Q(**{f"{prefix}name__icontains": text})
        | models.Q(**{f"{prefix}name_en__icontains": text})
    )


class EnterpriseQuerySet(models.QuerySet):
    def search(self, text: str) -> "EnterpriseQuerySet":
        text = text.strip()
        if not text:
            return self
        return self.filter(enterprise_match(text))


class Enterprise(VersionedModel, TrackedModel):
    """A key enterprise of the city, whether or not it takes part in the CP programme."""

    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        help_text=_("Unified social credit code (18 characters) or the older local code."),
    )
    name = models.CharField(
        _("name"), max_length=200, help_text=_("Registered name, usually Chinese.")
    )
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)
    district = models.CharField(_("district"), max_length=100, blank=True)
    ownership = models.CharField(
        _("ownership"), max_length=16, choices=Ownership.choices, blank=True
    )
    size = models.CharField(_("size"), max_length=8, choices=Size.choices, blank=True)
    state_large_medium = models.BooleanField(
        _("state-owned large or medium"),
        default=False,
        help_text=_("The base of the programme's coverage rate."),
    )
    employees = models.IntegerField(_("employees"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    contact_email = models.EmailField(
        _("contact e-mail"),
        blank=True,
        help_text=_(
            "The enterprise's registered address: acknowledgements of its signed submissions "
            "go there too."
        ),
    )
    cp_status = models.CharField(
        _("CP status"),
        max_length=16,
        choices=CpStatus.choices,
        default=CpStatus.NONE,
        editable=False,
        help_text=_("Follows from the enterprise's audits."),
    )

    history = HistoricalRecords()
    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(employees__isnull=True) | models.Q(employees__gte=0),
                name="%(app_label)s_%(class)s_employees_non_negative",
                violation_error_message=_("The number of employees cannot be negative."),
            ),
            models.CheckConstraint(
                condition=~models.Q(code=""),
                name="%(app_label)s_%(class)s_code_not_empty",
                violation_error_message=_("The code cannot be empty."),
            ),
            models.CheckConstraint(
                condition=models.Q(sector__in=Sector.values),
                name="%(app_label)s_%(class)s_sector_valid",
                violation_error_message=_("Unknown sector."),
            ),
        ]
        indexes = [
            # The register filtered by sector and district (list filters, sector peers).
            models.Index(fields=["sector", "district"], name="enterprise_sector_district"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"

    def get_absolute_url(self) -> str:
        return reverse("enterprises:detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        return bilingual(self.name, self.name_en)

    @property
    def display_district(self) -> str:
        return districts.display(self.district)


class Pollutant(models.Model):
    """A pollutant or quantity of the catalogue, with the one unit it is reported in."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    unit = models.CharField(_("unit"), max_length=20)
    medium = models.CharField(_("medium"), max_length=16, choices=Medium.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("pollutant")
        verbose_name_plural = _("pollutants")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[A-Z0-9_]+$"),
                name="%(app_label)s_%(class)s_code_format",
                violation_error_message=_("A pollutant code uses capital letters, digits and _."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.unit})"

    def get_absolute_url(self) -> str:
        return reverse("admin:enterprises_pollutant_change", args=[self.pk])

    @property
    def display_name(self) -> str:
        return bilingual(self.name, self.name_en)

    @property
    def display_unit(self) -> str:
        """The unit in the user's language (万吨 for "10k t"); `unit` is the files' code."""
        return unit_label(self.unit)


class ReportLocked(ValidationError):
    """A verified report, or one of its values, was about to change without an unlock."""

    def __init__(self, report=None):
        label = f" {report}" if report is not None and report.enterprise_id else ""
        super().__init__(
            _(
                "The report%(label)s is verified and locked; an administrator must unlock it "
                "(with a reason) before it can change."
            ),
            code="locked",
            params={"label": label},
        )


class DischargeReportQuerySet(models.QuerySet):
    def for_user(self, user) -> "DischargeReportQuerySet":
        """The reports `user` may read: every view and export starts here. An enterprise user
        reads their enterprises' reports only (benxi_cp/scoping.py)."""
        if user.has_perm("enterprises.view_dischargereport"):
            return scoping.scope_for(user, self)
        return scoping.only_own(user, self) if scoping.is_enterprise_user(user) else self.none()

    def search(self, text: str) -> "DischargeReportQuerySet":
        text = text.strip()
        if not text:
            return self
        return self.filter(enterprise_match(text, "enterprise__"))

    def to_verify_by(self, user) -> "DischargeReportQuerySet":
        """The submitted reports `user` may verify, oldest submission first: not those they
        created, last entered values into or submitted (unless the deployment allows it,
        BENXI_ALLOW_SELF_VERIFY). The same rule as workflow.duties_refusal, for lists."""
        reports = self.filter(status=ReportStatus.SUBMITTED)
        if not settings.BENXI_ALLOW_SELF_VERIFY:
            reports = (
                reports.exclude(created_by=user).exclude(entered_by=user).exclude(submitted_by=user)
            )
        return reports.order_by(models.F("submitted_at").asc(nulls_last=True), "pk")


def parse_period(text: str) -> tuple[str, int] | None:
    """`Y` or empty, `Q1`–`Q4`, `M01`–`M12` (docs/formats/discharge.md) as (kind, number)."""
    text = (text or "").strip().upper()
    if text in ("", "Y"):
        return PeriodKind.YEAR, 0
    kind, digits = text[:1], text[1:]
    if kind in (PeriodKind.QUARTER, PeriodKind.MONTH) and digits.isdigit():
        number = int(digits)
        if (kind == PeriodKind.QUARTER and 1 <= number <= 4 and len(digits) == 1) or (
            kind == PeriodKind.MONTH and 1 <= number <= 12 and len(digits) == 2
        ):
            return kind, number
    return None


def period_code(kind: str, number: int) -> str:
    """The inverse of parse_period: `Y`, `Q3`, `M07`."""
    if kind == PeriodKind.QUARTER:
        return f"Q{number}"
    if kind == PeriodKind.MONTH:
        return f"M{number:02d}"
    return "Y"


class DischargeReport(VersionedModel, TrackedModel):
    """An enterprise's pollution discharge report to the EPB for one period.

    A verified report is locked: save() and delete() refuse while the stored row is
    verified, unless the workflow's unlock (enterprises/workflow.py) opens it.
    """

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="discharge_reports",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    period_kind = models.CharField(
        _("period"), max_length=1, choices=PeriodKind.choices, default=PeriodKind.YEAR
    )
    period_number = models.PositiveSmallIntegerField(
        _("period number"),
        default=0,
        help_text=_("0 for a year, 1–4 for a quarter, 1–12 for a month."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    output_10k_yuan = models.DecimalField(
        _("output value (10k yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # Separation of duties (enterprises/workflow.py): whoever created the report, last saved
    # its values (the grid, an import, the admin) or submitted it may not verify it.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("values entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text=_("Who last saved the report's values (the grid, an import, the admin)."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("returned by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    return_reason = models.TextField(_("reason for return"), blank=True)
    grade = models.CharField(
        _("reliability grade"),
        max_length=1,
        choices=Grade.choices,
        blank=True,
        editable=False,
        help_text=_("Follows from the reliability flags; empty until the report is checked."),
    )

    history = HistoricalRecords(excluded_fields=["grade"])
    objects = DischargeReportQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "enterprise__code", "period_kind", "period_number"]
        verbose_name = _("discharge report")
        verbose_name_plural = _("discharge reports")
        permissions = [
            ("verify_dischargereport", _("Can verify or return discharge reports")),
            ("unlock_dischargereport", _("Can unlock verified discharge reports")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "period_kind", "period_number"],
                name="%(app_label)s_%(class)s_one_per_period",
                violation_error_message=_("This enterprise already has a report for this period."),
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(period_kind=PeriodKind.YEAR, period_number=0)
                    | models.Q(
                        period_kind=PeriodKind.QUARTER, period_number__gte=1, period_number__lte=4
                    )
                    | models.Q(
                        period_kind=PeriodKind.MONTH, period_number__gte=1, period_number__lte=12
                    )
                ),
                name="%(app_label)s_%(class)s_period_valid",
                violation_error_message=_("A quarter is 1–4, a month 1–12, a year has no number."),
            ),
            models.CheckConstraint(
                condition=year_q(),
                name="%(app_label)s_%(class)s_year_range",
                violation_error_message=_("The year is out of range."),
            ),
            models.CheckConstraint(
                condition=models.Q(output_10k_yuan__isnull=True) | models.Q(output_10k_yuan__gte=0),
                name="%(app_label)s_%(class)s_output_non_negative",
                violation_error_message=_("The output value cannot be negative."),
            ),
            models.CheckConstraint(
                condition=models.Q(grade__in=["", *Grade.values]),
                name="%(app_label)s_%(class)s_grade_valid",
                violation_error_message=_("Unknown reliability grade."),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ReportStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message=_("Unknown report status."),
            ),
        ]
        indexes = [
            # A year's reports by period kind and status (the ledger's rebuild and refresh).
            models.Index(fields=["year", "period_kind", "status"], name="report_year_kind_status"),
            # The EPB's work queues: reports by status.
            models.Index(fields=["status", "year"], name="report_status_year"),
            # "Verify next": the oldest submitted report (DischargeReportQuerySet.to_verify_by).
            models.Index(fields=["status", "submitted_at"], name="report_status_submitted"),
            # The reports list's default order, newest period first (DischargeReportTable
            # order_by "-period"): read backwards, the first page needs no sort of every report.
            models.Index(fields=["year", "period_kind", "period_number"], name="report_period"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise.code} {self.period_label}"

    def save(self, *args, **kwargs) -> None:
        # The lock holds here, below every form, importer, admin page and view.
        if not getattr(self, "_unlocking", False) and self._stored_is_locked():
            raise ReportLocked(self)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("enterprises:report_detail", args=[self.pk])

    @property
    def period_label(self) -> str:
        if self.period_kind == PeriodKind.QUARTER:
            return f"{self.year}-Q{self.period_number}"
        if self.period_kind == PeriodKind.MONTH:
            return f"{self.year}-M{self.period_number:02d}"
        return str(self.year)

    @property
    def period_code(self) -> str:
        return period_code(self.period_kind, self.period_number)

    @property
    def entry_url(self) -> str:
        """The grid for this report (enterprises:report_entry takes the period, not the pk)."""
        return entry_url(self.enterprise_id, self.year, self.period_code)

    @property
    def is_locked(self) -> bool:
        return self.status == ReportStatus.VERIFIED

    @property
    def is_editable(self) -> bool:
        return not self.is_locked

    def _stored_is_locked(self) -> bool:
        if self.pk is None:
            return False
        stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
        return stored == ReportStatus.VERIFIED

    def delete(self, *args, **kwargs):
        # The ledger follows in the same transaction (enterprises.ledger's post_delete).
        if self._stored_is_locked():
            raise ReportLocked(self)
        return super().delete(*args, **kwargs)


def entry_url(enterprise_id: int, year: int, period: str = "Y") -> str:
    query = urlencode({"enterprise": enterprise_id, "year": year, "period": period})
    return f"{reverse('enterprises:report_entry')}?{query}"


def _report_is_locked(report_id: int | None) -> bool:
    return (
        report_id is not None
        and DischargeReport.objects.filter(pk=report_id, status=ReportStatus.VERIFIED).exists()
    )


class DischargeValue(models.Model):
    """One pollutant's discharge (or use) in one report, with the basis of the figure."""

    report = models.ForeignKey(
        DischargeReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="values"
    )
    pollutant = models.ForeignKey(
        Pollutant, verbose_name=_("pollutant"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(
        _("amount"), max_digits=16, decimal_places=4, help_text=_("In the pollutant's unit.")
    )
    basis = models.CharField(
        _("basis"), max_length=24, choices=Basis.choices, default=Basis.ESTIMATED
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "pollutant__position"]
        verbose_name = _("discharge value")
        verbose_name_plural = _("discharge values")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "pollutant"],
                name="%(app_label)s_%(class)s_one_per_pollutant",
                violation_error_message=_("This pollutant is already in the report."),
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0),
                name="%(app_label)s_%(class)s_amount_non_negative",
                violation_error_message=_("An amount cannot be negative."),
            ),
        ]
        indexes = [
            # Totals per pollutant across reports (city totals, trends, baselines).
            models.Index(fields=["pollutant", "report"], name="value_pollutant_report"),
        ]

    def __str__(self) -> str:
        return f"{self.pollutant.code} {self.amount} {self.pollutant.unit}"

    def save(self, *args, **kwargs) -> None:
        if _report_is_locked(self.report_id):
            raise ReportLocked(self.report)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return self.report.get_absolute_url()

    def delete(self, *args, **kwargs):
        if _report_is_locked(self.report_id):
            raise ReportLocked(self.report)
        return super().delete(*args, **kwargs)


class ReliabilityFlag(models.Model):
    """A doubt the reliability checks found about a report or one of its values.

    Recomputed whenever the report is saved or imported (enterprises/reliability_store.py);
    the message is rendered from `code` and `params` in the reader's language.
    """

    report = models.ForeignKey(
        DischargeReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="flags"
    )
    value = models.ForeignKey(
        DischargeValue,
        verbose_name=_("value"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="flags",
    )
    pollutant = models.ForeignKey(
        Pollutant,
        verbose_name=_("pollutant"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    code = models.CharField(_("check"), max_length=16, choices=FlagCode.choices)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    params = models.JSONField(_("details"), default=dict, blank=True)
    created = models.DateTimeField(_("found at"), auto_now_add=True)

    class Meta:
        ordering = ["report", "id"]
        verbose_name = _("reliability flag")
        verbose_name_plural = _("reliability flags")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__in=FlagCode.values),
                name="%(app_label)s_%(class)s_code_valid",
                violation_error_message=_("Unknown reliability check."),
            ),
            models.CheckConstraint(
                condition=models.Q(severity__in=Severity.values),
                name="%(app_label)s_%(class)s_severity_valid",
                violation_error_message=_("Unknown severity."),
            ),
        ]
        indexes = [
            # The flagged-values page filtered by severity and check.
            models.Index(fields=["severity", "code"], name="flag_severity_code"),
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.get_code_display()}"

    def get_absolute_url(self) -> str:
        return self.report.get_absolute_url()

    @property
    def message(self) -> str:
        return render_message(self.code, self.params, self.pollutant)


class ReportUnlock(models.Model):
    """An administrator's unlocking of a verified report: who, when and why."""

    report = models.ForeignKey(
        DischargeReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="unlocks"
    )
    unlocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("unlocked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    unlocked_at = models.DateTimeField(_("unlocked at"), auto_now_add=True)
    reason = models.TextField(_("reason"))
    # The database lets a verified report change only by consuming a pending unlock of the
    # same transaction (enterprises/locks.py); then this turns false.
    pending = models.BooleanField(
        _("not yet applied"),
        default=False,
        help_text=_("Set while the unlock is being applied to the report."),
    )

    class Meta:
        ordering = ["-unlocked_at"]
        verbose_name = _("report unlock")
        verbose_name_plural = _("report unlocks")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reason=""),
                name="%(app_label)s_%(class)s_reason_required",
                violation_error_message=_("An unlock needs a reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.unlocked_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("enterprises:report_history", args=[self.report_id])


class AnnualDischarge(models.Model):
    """The ledger: an enterprise's discharge of one pollutant in one year, by the programme's
    rule (enterprises/ledger.py), kept up to date in the transaction of every change."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="annual_discharge",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    pollutant = models.ForeignKey(
        Pollutant, verbose_name=_("pollutant"), on_delete=models.PROTECT, related_name="+"
    )
    # Twelve months of DischargeValue.amount (16 digits) cannot overflow 20.
    amount = models.DecimalField(
        _("annual amount"), max_digits=20, decimal_places=4, help_text=_("In the pollutant's unit.")
    )
    basis = models.CharField(
        _("figure from"),
        max_length=1,
        choices=PeriodKind.choices,
        help_text=_("The annual report, four quarterly reports or twelve monthly reports."),
    )
    verified = models.BooleanField(
        _("verified"),
        help_text=_(
            "From verified reports only; otherwise a provisional figure from reports "
            "not yet verified."
        ),
    )

    class Meta:
        ordering = ["-year", "enterprise", "pollutant__position"]
        verbose_name = _("annual discharge")
        verbose_name_plural = _("annual discharge")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "pollutant"],
                name="%(app_label)s_%(class)s_one_per_pollutant_year",
                violation_error_message=_(
                    "The ledger holds one figure per enterprise, year and pollutant."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0),
                name="%(app_label)s_%(class)s_amount_non_negative",
                violation_error_message=_("An amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=models.Q(basis__in=PeriodKind.values),
                name="%(app_label)s_%(class)s_basis_valid",
                violation_error_message=_("Unknown period kind."),
            ),
        ]
        indexes = [
            # City totals, trends and completeness: a year's (verified) figures per pollutant.
            models.Index(fields=["year", "pollutant", "verified"], name="ledger_year_pollutant"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year} {self.pollutant_id} {self.amount}"

    def get_absolute_url(self) -> str:
        return reverse("enterprises:detail", args=[self.enterprise_id])
