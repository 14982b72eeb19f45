"""The reports app reads the other apps' records; its own are the closings of years.

`ReportAccess` only carries the permissions the reports pages ask for, so that roles are
granted them like any other permission (migration 0002); its table stays empty.
`YearClosing` and `RecordCopy`: a year closed by the programme office and the copy of
record of its annual forms (reports/closing.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from benxi_cp.validators import year_q
from reports.choices import FORM_NUMBERS, CopyFormat, FormName


class ReportAccess(models.Model):
    """Permissions to read the dashboards and the annual forms (an empty table)."""

    class Meta:
        default_permissions = ()
        permissions = [
            ("view_dashboard", _("Can read the programme dashboard, charts and comparisons")),
            ("view_annual_forms", _("Can read and download the annual report forms")),
            ("view_epb_dashboard", _("Can read the EPB dashboard")),
        ]
        verbose_name = _("reports access")
        verbose_name_plural = _("reports access")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("reports:dashboard")


class YearClosing(models.Model):
    """One closing of a year by the programme office, in force until the year is reopened."""

    year = models.PositiveSmallIntegerField(_("year"))
    closed_at = models.DateTimeField(_("closed at"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    # As it read when the year was closed: a signature outlives the user's account.
    closed_by_name = models.CharField(_("closed by (name)"), max_length=150)
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reopened by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reopened_by_name = models.CharField(_("reopened by (name)"), max_length=150, blank=True)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)

    class Meta:
        ordering = ["-year", "-closed_at"]
        verbose_name = _("closing of a year")
        verbose_name_plural = _("closings of years")
        default_permissions = ("view",)
        permissions = [("close_year", _("Can close a year and reopen it"))]
        constraints = [
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(reopened_at__isnull=True),
                name="%(app_label)s_%(class)s_closed_once",
                violation_error_message=_("This year is already closed."),
            ),
            models.CheckConstraint(
                condition=Q(reopened_at__isnull=True, reopen_reason="", reopened_by_name="")
                | (Q(reopened_at__isnull=False) & ~Q(reopen_reason="") & ~Q(reopened_by_name="")),
                name="%(app_label)s_%(class)s_reopened_with_reason",
                violation_error_message=_("A year is reopened by someone, with a reason."),
            ),
            models.CheckConstraint(
                condition=Q(reopened_at__isnull=True) | Q(reopened_at__gte=F("closed_at")),
                name="%(app_label)s_%(class)s_reopened_after_closed",
                violation_error_message=_("A year is reopened after it was closed."),
            ),
            models.CheckConstraint(
                condition=year_q(),
                name="%(app_label)s_%(class)s_year_range",
                violation_error_message=_("The year is out of range."),
            ),
        ]
        indexes = [
            # The triggers of reports/yearlock.py: is this year closed now?
            models.Index(fields=["year", "reopened_at"], name="closing_year_open"),
        ]

    def __str__(self) -> str:
        return str(self.year)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("reports:year", args=[self.year])

    @property
    def is_closed(self) -> bool:
        return self.reopened_at is None


class RecordCopy(models.Model):
    """One file of a closing's copy of record: an annual form as PDF, XLSX or its figures as
    JSON, kept in the database (one backup holds it, and it commits with its closing)."""

    closing = models.ForeignKey(
        YearClosing, verbose_name=_("closing"), on_delete=models.PROTECT, related_name="copies"
    )
    form = models.CharField(_("form"), max_length=16, choices=FormName.choices)
    fmt = models.CharField(_("format"), max_length=8, choices=CopyFormat.choices)
    content = models.BinaryField(_("content"))
    size_bytes = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        ordering = ["closing", "form", "fmt"]
        verbose_name = _("copy of record")
        verbose_name_plural = _("copies of record")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["closing", "form", "fmt"],
                name="%(app_label)s_%(class)s_one_per_form_and_format",
                violation_error_message=_("This closing already has this file."),
            ),
            models.CheckConstraint(
                condition=Q(size_bytes__gt=0),
                name="%(app_label)s_%(class)s_not_empty",
                violation_error_message=_("A copy of record is never empty."),
            ),
            models.CheckConstraint(
                condition=Q(form__in=FormName.values) & Q(fmt__in=CopyFormat.values),
                name="%(app_label)s_%(class)s_form_and_format_valid",
                violation_error_message=_("Unknown form or format."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form}-{self.closing.year}.{self.fmt}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("reports:record_copy", args=[self.closing.year, self.pk])

    @property
    def filename(self) -> str:
        """By the form's number on paper: `CP-1-programme-2001-record-3.pdf`."""
        number = FORM_NUMBERS.get(self.form)
        stem = f"{number}-{self.form}" if number else self.form
        return f"{stem}-{self.closing.year}-record-{self.closing_id}.{self.fmt}"
