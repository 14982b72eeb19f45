"""The eight steps of a CP audit, what each must produce, and the rules on completing them.

The audit rules are held at every entry point: the models and forms (`AuditStep.clean`,
`Option.clean`, `audits.models.step_refusal`) and, below them, the database's triggers
(audits/locks.py). Their words live once, in `STEP_RULES` and `OPTION_RULE` below.
"""

from dataclasses import dataclass

from django.utils.translation import gettext, gettext_noop, pgettext
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


@dataclass(frozen=True)
class StepRule:
    """What a step needs before it is completed, in the words of each place that holds it."""

    number: int
    # The rule in brief, in English: the database trigger's refusal (audits/locks.py) carries
    # it as it is, a page shows it translated (`database_refusal`).
    rule: str
    # A completion of the step refused: what is missing (%(codes)s: the records in the way).
    refusal: str
    # A later change refused because the completed step promised otherwise.
    kept: str


STEP_RULES: dict[int, StepRule] = {
    rule.number: rule
    for rule in (
        StepRule(
            3,
            gettext_noop("step 3 completes only with a material balance"),
            _(
                "Step 3 is completed only with a material balance: enter its inputs and "
                "outputs first."
            ),
            _("Step 3 of the audit is completed: its material balance keeps at least one line."),
        ),
        StepRule(
            4,
            gettext_noop("step 4 completes only when no option is left proposed"),
            _(
                "Step 4 is completed only when no option is left “Proposed”; still proposed: "
                "%(codes)s."
            ),
            _(
                "Step 4 of the audit is completed: every option is screened (selected or "
                "rejected), none stays “Proposed”."
            ),
        ),
        StepRule(
            5,
            gettext_noop(
                "step 5 completes only when every selected medium/high-fee option has its "
                "feasibility analysis"
            ),
            _(
                "Step 5 is completed only when every selected medium/high-fee option has its "
                "feasibility analysis; missing for: %(codes)s."
            ),
            _(
                "Step 5 of the audit is completed: a medium/high-fee option kept at "
                "screening needs its feasibility analysis."
            ),
        ),
    )
}

# The rule on options that step 5 carries out, in brief, like `StepRule.rule`.
OPTION_RULE = gettext_noop(
    "a medium/high-fee option becomes feasible or implemented only with its feasibility analysis"
)


def database_refusal(error: BaseException | None = None) -> str:
    """What a user reads when a trigger refused a change for breaking an audit rule: the
    rule the trigger named (its refusal carries the rule's words), else all of them."""
    rules = [OPTION_RULE, *(rule.rule for rule in STEP_RULES.values())]
    named = [rule for rule in rules if error is not None and rule in str(error)]
    if named:
        rules = named[:1]
    return gettext(
        "The database refused the change: it breaks an audit rule (%(rules)s). Nothing was saved."
    ) % {"rules": pgettext("between the items of a list", "; ").join(gettext(r) for r in rules)}
