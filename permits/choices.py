"""Coded values of permits and monitoring; codes are those of docs/formats/permits.md and
docs/formats/monitoring.md."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OutletKind(models.TextChoices):
    """What an outlet discharges."""

    WATER = "water", _("Waste water")
    AIR = "air", _("Waste gas")


class OutletCategory(models.TextChoices):
    """Whether the permit counts an outlet among the enterprise's main outlets."""

    MAIN = "main", _("Main outlet")
    GENERAL = "general", _("General outlet")


class LimitBasis(models.TextChoices):
    """What a limit's value is measured as."""

    HOURLY_MEAN = "hourly_mean", _("Hourly mean")
    DAILY_MEAN = "daily_mean", _("Daily mean")
    ANNUAL_TOTAL = "annual_total", _("Annual total")


CONCENTRATION_BASES = (LimitBasis.HOURLY_MEAN, LimitBasis.DAILY_MEAN)


class Frequency(models.TextChoices):
    """How often the permit requires a pollutant to be monitored at an outlet."""

    CONTINUOUS = "continuous", _("Continuous")
    DAILY = "daily", _("Daily")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class Method(models.TextChoices):
    """How a monitoring value was obtained."""

    AUTOMATIC = "automatic", _("Automatic monitoring")
    MANUAL = "manual", _("Manual sampling")
    ENFORCEMENT = "enforcement", _("Enforcement monitoring")


# The unit of a limit by its basis and its outlet's kind (docs/formats/permits.md).
CONCENTRATION_UNITS = {OutletKind.WATER: "mg/L", OutletKind.AIR: "mg/m3"}
ANNUAL_UNIT = "t"


def unit_for(basis: str, kind: str | None) -> str | None:
    """The one unit a limit of `basis` at an outlet of `kind` is given in."""
    if basis == LimitBasis.ANNUAL_TOTAL:
        return ANNUAL_UNIT
    return CONCENTRATION_UNITS.get(kind)


class CaseStatus(models.TextChoices):
    """Where an enforcement case stands: opened, the notice served with its deadline
    (限期整改), closed with its outcome."""

    OPEN = "open", _("Opened")
    NOTIFIED = "notified", _("Notice served, rectifying")
    CLOSED = "closed", pgettext_lazy("enforcement case", "Closed")


class CaseOutcome(models.TextChoices):
    """How a closed enforcement case ended."""

    RESOLVED = "resolved", _("Resolved (rectified)")
    PENALTY = "penalty", _("Penalty imposed")


class ViolationKind(models.TextChoices):
    """What an enforcement case is about: a row of the compliance page, or something else."""

    EXCEEDANCE = "exceedance", _("Exceedance of a concentration limit")
    MISSING = "missing", _("Missing required monitoring")
    QUANTITY = "quantity", _("Above the permitted annual quantity")
    OTHER = "other", _("Other (described)")


class FollowUpResult(models.TextChoices):
    """What a follow-up monitoring found."""

    COMPLIES = "complies", _("Complies")
    EXCEEDS = "exceeds", _("Still exceeds")
    NOT_RECTIFIED = "not_rectified", _("Not rectified")
