"""Audits, steps and options to test with, and auditors on and off an audit's team."""

import datetime

import pytest

from audits.models import Audit, MaterialBalanceLine, Option
from benxi_cp import roles
from enterprises.models import Enterprise

START = datetime.date(1998, 3, 1)


@pytest.fixture
def enterprise(db) -> Enterprise:
    return Enterprise.objects.create(
        code="E-1",
        name="溪城钢铁厂",
        name_en="Xicheng Steel",
        sector="iron_steel",
        state_large_medium=True,
    )


@pytest.fixture
def make_audit(enterprise):
    def make(ref: str = "A-1", steps: int = 0, started_on=START, **fields) -> Audit:
        fields.setdefault("enterprise", enterprise)
        return Audit.objects.create(
            ref=ref, started_on=started_on, steps_completed=steps, focus="烧结车间", **fields
        )

    return make


@pytest.fixture
def audit(make_audit) -> Audit:
    return make_audit()


@pytest.fixture
def make_option(audit):
    def make(code: str = "F01", **fields) -> Option:
        values = {
            "audit": audit,
            "code": code,
            "title": "堵漏",
            "aspect": "management",
            "fee_class": "low_no",
        } | fields
        return Option.objects.create(**values)

    return make


@pytest.fixture
def team_auditor(make_user, audit):
    """An auditor on the audit's team."""
    user = make_user(roles.AUDITOR, "team-auditor")
    audit.team.add(user)
    return user


@pytest.fixture
def other_auditor(make_user):
    """An auditor who is not on the audit's team."""
    return make_user(roles.AUDITOR, "other-auditor")


def analyse(option: Option, saving: str = "40", reason: str = "", **fields):
    """A feasibility analysis of a medium/high-fee option (investment 80, by default a
    positive NPV; a saving of 5 gives a negative one)."""
    from decimal import Decimal

    from audits.models import OptionFeasibility

    values = {
        "investment_10k_yuan": Decimal(80),
        "annual_net_saving_10k_yuan": Decimal(saving),
        "depreciation_years": 10,
        "tax_rate_pct": Decimal(33),
        "discount_rate_pct": Decimal(10),
        "life_years": 10,
        "negative_npv_reason": reason,
    } | fields
    return OptionFeasibility.objects.create(option=option, **values)


def give_balance(audit: Audit) -> None:
    """The material balance step 3 needs (one input, one output), unless it has one."""
    if not audit.balance_lines.exists():
        MaterialBalanceLine.objects.bulk_create(
            [
                MaterialBalanceLine(audit=audit, direction=d, item=i, quantity=100, unit="t/a")
                for d, i in (("input", "原料"), ("output", "产品"))
            ]
        )


def passed(audit: Audit, assessed=datetime.date(1999, 5, 1), accepted=None, body="municipality"):
    """Take an audit through all eight steps, a passed assessment and, if dated, acceptance
    (with the material balance step 3 needs)."""
    from audits.services import set_steps_completed

    give_balance(audit)
    audit.steps_completed = 8
    audit.assessment, audit.assessed_on, audit.assessment_score = "pass", assessed, 85
    if accepted:
        audit.acceptance, audit.accepted_by, audit.accepted_on = "pass", body, accepted
    audit.full_clean()
    set_steps_completed(audit, 8)  # before the acceptance locks the steps
    audit.save()
    return audit
