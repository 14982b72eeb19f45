"""Coded values of CP audits and options; codes are those of shared/formats/."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StepStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class Verdict(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class AcceptingBody(models.TextChoices):
    NATIONAL_CENTRE = "national_centre", _("National CP Centre")
    MUNICIPALITY = "municipality", _("Municipality")


class Aspect(models.TextChoices):
    RAW_MATERIALS_ENERGY = "raw_materials_energy", _("Raw materials and energy")
    TECHNOLOGY = "technology", _("Technology and process")
    EQUIPMENT = "equipment", _("Equipment")
    PROCESS_CONTROL = "process_control", _("Process control")
    PRODUCT = "product", _("Product")
    WASTE = "waste", _("Waste reuse and recycling")
    MANAGEMENT = "management", _("Management")
    EMPLOYEES = "employees", _("Employees")


class FeeClass(models.TextChoices):
    LOW_NO = "low_no", _("No/low-fee")
    MEDIUM_HIGH = "medium_high", _("Medium/high-fee")


class OptionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    REJECTED = "rejected", _("Rejected at screening")
    SELECTED = "selected", _("Selected at screening")
    FEASIBLE = "feasible", _("Feasible")
    NOT_FEASIBLE = "not_feasible", _("Not feasible")
    IMPLEMENTED = "implemented", _("Implemented")


# Kept at screening: what the programme summary counts as "retained" (options.md).
RETAINED_STATUSES = (
    OptionStatus.SELECTED,
    OptionStatus.FEASIBLE,
    OptionStatus.NOT_FEASIBLE,
    OptionStatus.IMPLEMENTED,
)
