"""Coded values of the enterprise register; codes are those of docs/formats/enterprises.md."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    IRON_STEEL = "iron_steel", _("Iron and steel")
    COAL = "coal", _("Coal")
    BUILDING_MATERIALS = "building_materials", _("Building materials")
    CHEMICALS = "chemicals", _("Chemicals")
    POWER = "power", _("Power")
    NONFERROUS = "nonferrous", _("Non-ferrous metals")
    MACHINERY = "machinery", _("Machinery")
    LIGHT_INDUSTRY = "light_industry", _("Light industry")
    PHARMACEUTICALS = "pharmaceuticals", _("Pharmaceuticals")
    OTHER = "other", _("Other")


class Ownership(models.TextChoices):
    STATE = "state", _("State-owned")
    COLLECTIVE = "collective", _("Collective")
    PRIVATE = "private", _("Private")
    FOREIGN = "foreign", _("Foreign-invested")
    JOINT = "joint", _("Joint venture")
    OTHER = "other", _("Other")


class Size(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")


class CpStatus(models.TextChoices):
    """Where the enterprise stands in the CP programme; kept up to date by the audits app."""

    NONE = "none", _("Not in the programme")
    AUDITING = "auditing", _("Audit under way")
    ASSESSED = "assessed", _("Audit assessed")
    ACCEPTED = "accepted", _("Audit accepted")
    DEMONSTRATION = "demonstration", _("Demonstration enterprise")


class Medium(models.TextChoices):
    WATER = "water", _("Water")
    AIR = "air", _("Air")
    SOLID = "solid", _("Solid waste")
    RESOURCE = "resource", _("Resource use")


class PeriodKind(models.TextChoices):
    YEAR = "Y", _("Year")
    QUARTER = "Q", _("Quarter")
    MONTH = "M", _("Month")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    VERIFIED = "verified", _("Verified")
    RETURNED = "returned", _("Returned")


class Basis(models.TextChoices):
    MEASURED_CONTINUOUS = "measured_continuous", _("Measured (continuous monitoring)")
    MEASURED_SAMPLING = "measured_sampling", _("Measured (sampling)")
    CALCULATED = "calculated", _("Calculated")
    ESTIMATED = "estimated", _("Estimated")


class Grade(models.TextChoices):
    """Reliability grade of a report or an enterprise: A best … D worst."""

    A = "A", _("A (reliable)")
    B = "B", _("B (minor doubts)")
    C = "C", _("C (doubtful)")
    D = "D", _("D (unreliable)")


class Severity(models.TextChoices):
    INFO = "info", _("Note")
    WARNING = "warning", _("Warning")
    SERIOUS = "serious", _("Serious")


class FlagCode(models.TextChoices):
    """What a reliability check found; the checks live in enterprises/reliability.py, their
    messages in enterprises/flags.py."""

    EMPTY = "empty", _("No values")
    MISSING = "missing", _("Pollutant missing")
    NEGATIVE = "negative", _("Negative value")
    ZERO = "zero", _("Zero against a large history")
    OUTLIER = "outlier", _("Far from own history")
    SCALED_HISTORY = "scaled", _("Far from own history scaled to the period")
    YEAR_ON_YEAR = "yoy", _("Year-on-year change over ±50%")
    SUBPERIODS = "subperiods", _("Sub-periods disagree with the year")
    SOLID_BALANCE = "solid_balance", _("Solid waste does not balance")
    INTENSITY = "intensity", _("Intensity far from the sector")
    ESTIMATED = "estimated", _("Estimated value")
    # From the enterprise's permit and monitoring (registry.reliability_sources, permits/).
    ABOVE_PERMIT = "above_permit", _("Above the permitted quantity")
    MONITORED = "monitored", _("Inconsistent with monitoring")
