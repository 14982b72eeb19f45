"""The enterprise register and the pollutant catalogue shared by audits and discharge reports."""

from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from benxi_cp.models import TrackedModel
from enterprises.choices import CpStatus, Medium, Ownership, Sector, Size


def bilingual(zh: str, en: str) -> str:
    """The name to show in the active language, falling back to whichever is filled in."""
    if (get_language() or "").startswith("en"):
        return en or zh
    return zh or en


class EnterpriseQuerySet(models.QuerySet):
    def search(self, text: str) -> "EnterpriseQuerySet":
        text = text.strip()
        if not text:
            return self
        return self.filter(
            models.Q(code__icontains=text)
            | models.Q(name__icontains=text)
            | models.Q(name_en__icontains=text)
        )


class Enterprise(TrackedModel):
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
