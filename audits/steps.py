"""The eight steps of a CP audit and what each must produce."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class StepDefinition:
    number: int
    title: str
    produces: str
    # (key, label): the deliverables ticked off in AuditStep.checklist
    deliverables: tuple[tuple[str, str], ...]

    @property
    def keys(self) -> list[str]:
        return [key for key, _label in self.deliverables]


STEPS: tuple[StepDefinition, ...] = (
    StepDefinition(
        1,
        _("Planning and organisation"),
        _("Audit team roster, work plan, training of staff."),
        (
            ("team_roster", _("Audit team roster")),
            ("work_plan", _("Work plan")),
            ("staff_training", _("Training of staff")),
        ),
    ),
    StepDefinition(
        2,
        _("Pre-assessment"),
        _(
            "Enterprise profile, process overview, pollution sources, the audit focus, "
            "CP targets for the audit, first no/low-fee options."
        ),
        (
            ("enterprise_profile", _("Enterprise profile")),
            ("process_overview", _("Process overview")),
            ("pollution_sources", _("Pollution sources")),
            ("audit_focus", _("Audit focus chosen")),
            ("cp_targets", _("CP targets for the audit")),
            ("first_options", _("First no/low-fee options")),
        ),
    ),
    StepDefinition(
        3,
        _("Assessment"),
        _(
            "Baseline of the audit focus, material and water balance (a closure gap over 5% "
            "means the balance is not trustworthy), causes of waste."
        ),
        (
            ("baseline", _("Baseline of the audit focus")),
            ("material_balance", _("Material and water balance")),
            ("waste_causes", _("Causes of waste")),
        ),
    ),
    StepDefinition(
        4,
        _("Option generation and screening"),
        _("The options list and the screening result of each option."),
        (
            ("options_list", _("Options list")),
            ("screening", _("Screening result of each option")),
        ),
    ),
    StepDefinition(
        5,
        _("Feasibility analysis"),
        _("A technical, environmental and economic evaluation of every medium/high-fee option."),
        (
            ("technical_evaluation", _("Technical evaluation")),
            ("environmental_evaluation", _("Environmental evaluation")),
            ("economic_evaluation", _("Economic evaluation")),
        ),
    ),
    StepDefinition(
        6,
        _("Option implementation"),
        _("Implementation results: actual investment, actual benefits, targets met or not."),
        (
            ("actual_investment", _("Actual investment")),
            ("actual_benefits", _("Actual benefits")),
            ("targets_review", _("Targets met or not")),
        ),
    ),
    StepDefinition(
        7,
        _("Continuous CP"),
        _("The standing CP organisation and the plan for the next round."),
        (
            ("cp_organisation", _("Standing CP organisation")),
            ("next_round_plan", _("Plan for the next round")),
        ),
    ),
    StepDefinition(
        8,
        _("Audit report"),
        _("The audit report, submitted for assessment and acceptance."),
        (
            ("audit_report", _("Audit report written")),
            ("report_submitted", _("Report submitted for assessment")),
        ),
    ),
)

BY_NUMBER = {step.number: step for step in STEPS}


def definition(number: int) -> StepDefinition:
    return BY_NUMBER[number]
