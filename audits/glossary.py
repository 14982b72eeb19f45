"""The audits' terms on the help page (benxi_cp/glossary.py): the eight steps, option
classes and statuses, and the feasibility figures, each built from the code that uses it
(audits/steps.py, audits/choices.py, audits/finance.py)."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from audits import finance
from audits.balance import CLOSURE_LIMIT_PCT
from audits.choices import FeeClass, OptionStatus, next_statuses
from audits.models import OptionFeasibility
from audits.steps import STEPS
from benxi_cp.glossary import Section


def steps_context() -> dict:
    return {"steps": STEPS, "closure_limit": CLOSURE_LIMIT_PCT}


FEE_CLASS_RULES = {
    FeeClass.LOW_NO: _(
        "Cheap, quick measures (housekeeping, process control, small repairs). Once selected "
        "at screening it may be implemented directly: no feasibility analysis is required."
    ),
    FeeClass.MEDIUM_HIGH: _(
        "Measures that need a real investment. Before it can be concluded feasible or "
        "implemented it needs its estimated investment and a feasibility analysis (audit "
        "step 5): a technical, environmental and economic evaluation."
    ),
}


def options_context() -> dict:
    labels = dict(OptionStatus.choices)
    classes = []
    for fee_class in FeeClass:
        moves = [
            (labels[status], [labels[target] for target in next_statuses(fee_class, status)])
            for status in OptionStatus
        ]
        classes.append(
            {
                "code": fee_class.value,
                "label": fee_class.label,
                "rule": FEE_CLASS_RULES[fee_class],
                "moves": [(status, targets) for status, targets in moves if targets],
            }
        )
    return {
        "fee_classes": classes,
        "option_statuses": [(status.value, status.label) for status in OptionStatus],
    }


# A worked example, computed by audits/finance.py itself.
EXAMPLE = {
    "investment": Decimal("100"),
    "annual_net_saving": Decimal("30"),
    "depreciation_years": 10,
    "tax_rate": Decimal("0.33"),
    "discount_rate": Decimal("0.08"),
    "life_years": 10,
}


def feasibility_context() -> dict:
    default_tax = OptionFeasibility._meta.get_field("tax_rate_pct").default
    return {
        "default_tax_pct": default_tax,
        "example": EXAMPLE,
        "example_tax_pct": EXAMPLE["tax_rate"] * 100,
        "example_discount_pct": EXAMPLE["discount_rate"] * 100,
        "evaluation": finance.evaluate(**EXAMPLE),
    }


# Sections of the help page; registered by the app's ready() (registry.glossary).
SECTIONS = (
    Section(
        anchor="steps",
        title=_("The eight audit steps"),
        template="help/_steps.html",
        order=30,
        context=steps_context,
    ),
    Section(
        anchor="options",
        title=_("CP options: fee classes and statuses"),
        template="help/_options.html",
        order=40,
        context=options_context,
    ),
    Section(
        anchor="feasibility",
        title=_("Feasibility figures"),
        template="help/_feasibility.html",
        order=50,
        context=feasibility_context,
    ),
)
