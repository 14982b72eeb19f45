"""Coded values of CP audits and options; codes are those of docs/formats/."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StepStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


# The filters' value for "no verdict recorded yet" (a list filter and the links to it).
NOT_RECORDED = "none"


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

# Where an option may go from each status: screening, then feasibility for what
# was kept, then implementation; a no/low-fee option may go straight from kept to implemented.
_NEXT: dict[str, tuple[str, ...]] = {
    OptionStatus.PROPOSED: (OptionStatus.SELECTED, OptionStatus.REJECTED),
    OptionStatus.SELECTED: (OptionStatus.FEASIBLE, OptionStatus.NOT_FEASIBLE),
    OptionStatus.FEASIBLE: (OptionStatus.IMPLEMENTED,),
    OptionStatus.REJECTED: (),
    OptionStatus.NOT_FEASIBLE: (),
    OptionStatus.IMPLEMENTED: (),
}


def next_statuses(fee_class: str, status: str) -> tuple[str, ...]:
    """The statuses an option of `fee_class` may move to from `status` (not counting itself)."""
    following = _NEXT.get(status, ())
    if fee_class == FeeClass.LOW_NO and status == OptionStatus.SELECTED:
        following = (*following, OptionStatus.IMPLEMENTED)
    return following


def may_move(fee_class: str, old: str, new: str) -> bool:
    return old == new or new in next_statuses(fee_class, old)


class BalanceDirection(models.TextChoices):
    INPUT = "input", _("Input")
    OUTPUT = "output", _("Output")


class ReviewStage(models.TextChoices):
    ASSESSMENT = "assessment", _("Assessment (评估)")
    ACCEPTANCE = "acceptance", _("Acceptance (验收)")


class ReviewDecision(models.TextChoices):
    PASS = "pass", _("Pass")
    CONDITIONAL = "conditional", _("Pass with conditions")
    FAIL = "fail", _("Fail")


class CertificateState(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRING = "expiring", _("Expiring within 6 months")
    EXPIRED = "expired", _("Expired")
