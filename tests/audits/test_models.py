"""The rules of audits, steps and options: refused in model validation and, where a
database can check them, by the database itself."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import translation

from audits.balance import closures
from audits.choices import FeeClass, OptionStatus, StepStatus, may_move, next_statuses
from audits.models import (
    Audit,
    AuditStep,
    MaterialBalanceLine,
    Option,
    OptionFeasibility,
    OptionReduction,
)
from audits.services import set_steps_completed, sync_steps_completed, unlock_audit
from benxi_cp import roles
from benxi_cp.documents import document_type
from enterprises.models import Enterprise, Pollutant
from tests.audits.conftest import START, analyse, passed

D = datetime.date


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def refused(obj, field: str | None = None) -> list[str]:
    """The messages full_clean gives (for `field`, or all of them); fails if it accepts."""
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()
    errors = caught.value.message_dict
    if field is None:
        return [m for messages in errors.values() for m in messages]
    assert field in errors, errors
    return errors[field]


def db_refuses(obj) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        obj.save()


# -- audits ---------------------------------------------------------------------------------
@pytest.mark.django_db
def test_an_audit_comes_with_its_eight_steps(make_audit):
    audit = make_audit(steps=3)
    steps = list(audit.steps.order_by("number"))
    assert [s.number for s in steps] == list(range(1, 9))
    assert [s.status for s in steps].count(StepStatus.COMPLETED) == 3
    assert steps[2].is_completed and not steps[3].is_completed


@pytest.mark.django_db
def test_assessment_only_after_all_eight_steps(make_audit):
    audit = make_audit(steps=7)
    audit.assessment, audit.assessed_on = "pass", D(1999, 5, 1)
    assert "after all eight steps" in refused(audit, "assessment")[0]
    db_refuses(audit)
    audit.steps_completed = 8
    audit.full_clean()
    audit.save()


@pytest.mark.django_db
def test_assessment_needs_its_date_not_before_the_start(make_audit):
    audit = make_audit(steps=8)
    audit.assessment = "pass"
    assert refused(audit, "assessed_on")
    db_refuses(audit)
    audit.assessed_on = START - datetime.timedelta(days=1)
    assert "before the audit started" in refused(audit, "assessed_on")[0]
    db_refuses(audit)


@pytest.mark.django_db
def test_score_range_and_details_without_an_assessment(make_audit):
    audit = make_audit(steps=8)
    audit.assessment, audit.assessed_on, audit.assessment_score = "pass", D(1999, 1, 1), 101
    assert refused(audit, "assessment_score")
    db_refuses(audit)
    audit = make_audit(ref="A-2", steps=8)
    audit.assessed_on = D(1999, 1, 1)
    assert "needs an assessment result" in refused(audit, "assessment")[0]
    db_refuses(audit)


@pytest.mark.django_db
def test_acceptance_only_after_a_passed_assessment(make_audit):
    audit = make_audit(steps=8)
    audit.assessment, audit.assessed_on = "fail", D(1999, 5, 1)
    audit.acceptance, audit.accepted_by, audit.accepted_on = "pass", "municipality", D(1999, 6, 1)
    assert "after a passed assessment" in refused(audit, "acceptance")[0]
    db_refuses(audit)
    audit.assessment = ""
    audit.assessed_on = None
    assert refused(audit, "acceptance")
    db_refuses(audit)


@pytest.mark.django_db
def test_acceptance_not_dated_before_the_assessment_and_with_its_body(make_audit):
    audit = passed(make_audit())
    audit.acceptance, audit.accepted_by, audit.accepted_on = "pass", "municipality", D(1999, 4, 1)
    assert "before the assessment" in refused(audit, "accepted_on")[0]
    db_refuses(audit)
    audit.accepted_on, audit.accepted_by = D(1999, 6, 1), ""
    assert refused(audit, "accepted_by")
    db_refuses(audit)
    audit.accepted_by = "national_centre"
    audit.full_clean()
    audit.save()


@pytest.mark.django_db
def test_demonstration_only_after_a_passed_acceptance(make_audit):
    audit = passed(make_audit())
    audit.demonstration = True
    assert refused(audit, "demonstration")
    db_refuses(audit)
    audit.acceptance, audit.accepted_by, audit.accepted_on = "fail", "municipality", D(1999, 6, 1)
    assert refused(audit, "demonstration")
    db_refuses(audit)
    audit.acceptance = "pass"
    audit.demonstration_on = D(1999, 5, 30)
    assert "on or after its acceptance" in refused(audit, "demonstration_on")[0]
    db_refuses(audit)
    audit.demonstration_on = D(2000, 1, 10)
    audit.full_clean()
    audit.save()


@pytest.mark.django_db
def test_a_start_after_recorded_steps_or_implementations_is_refused(audit, make_option):
    step = audit.steps.get(number=1)
    step.status, step.started_on = StepStatus.IN_PROGRESS, D(1998, 3, 5)
    step.save()
    audit.started_on = D(1998, 4, 1)
    assert "dated before that day" in refused(audit, "started_on")[0]


# -- steps ----------------------------------------------------------------------------------
def step(audit, number) -> AuditStep:
    return audit.steps.get(number=number)


@pytest.mark.django_db
def test_steps_complete_only_in_order(audit):
    second = step(audit, 2)
    second.status, second.started_on, second.completed_on = "completed", START, D(1998, 4, 1)
    assert "only after step 1" in refused(second, "status")[0]
    first = step(audit, 1)
    first.status, first.started_on, first.completed_on = "completed", START, D(1998, 3, 20)
    first.full_clean()
    first.save()
    second.full_clean()
    second.save()
    assert sync_steps_completed(audit) == 2
    audit.refresh_from_db()
    assert audit.steps_completed == 2


@pytest.mark.django_db
def test_a_step_does_not_reopen_while_the_next_is_completed(make_audit):
    audit = make_audit(steps=3)
    second = step(audit, 2)
    second.status = StepStatus.IN_PROGRESS
    assert "while step 3 is completed" in refused(second, "status")[0]
    third = step(audit, 3)
    third.status = StepStatus.IN_PROGRESS
    third.full_clean()


@pytest.mark.django_db
def test_an_assessed_audit_keeps_its_steps_closed(make_audit):
    audit = passed(make_audit())
    last = step(audit, 8)
    last.status = StepStatus.IN_PROGRESS
    assert "has been assessed" in refused(last, "status")[0]
    # Even past validation, the database keeps steps_completed at 8 for an assessed audit.
    last.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        sync_steps_completed(audit)


@pytest.mark.django_db
def test_step_dates_follow_the_audit_and_the_previous_step(audit):
    first = step(audit, 1)
    first.status, first.started_on = StepStatus.IN_PROGRESS, START - datetime.timedelta(days=3)
    assert "before the audit started" in refused(first, "started_on")[0]
    first.status, first.started_on, first.completed_on = "completed", START, D(1998, 5, 1)
    first.save()
    second = step(audit, 2)
    second.status, second.started_on, second.completed_on = "completed", START, D(1998, 4, 1)
    assert "before the step before it" in refused(second, "completed_on")[0]


@pytest.mark.django_db
def test_completion_date_and_checklist_must_fit_the_step(audit):
    first = step(audit, 1)
    first.completed_on = D(1998, 4, 1)
    assert refused(first, "completed_on")
    db_refuses(first)
    first = step(audit, 1)
    first.checklist = ["team_roster", "material_balance"]
    assert "material_balance" in refused(first, "checklist")[0]
    first.checklist = ["team_roster", "work_plan"]
    first.full_clean()
    assert [done for _key, _label, done in first.deliverables()] == [True, True, False]


@pytest.mark.django_db
def test_set_steps_completed_follows_an_imported_count(make_audit):
    audit = make_audit(steps=5)
    fifth = step(audit, 5)
    fifth.completed_on = D(1999, 1, 1)
    fifth.save()
    set_steps_completed(audit, 3)
    statuses = list(audit.steps.order_by("number").values_list("status", "completed_on"))
    assert [s for s, _d in statuses[:3]] == ["completed"] * 3
    assert statuses[4] == ("in_progress", None)
    assert statuses[6] == ("not_started", None)


# -- options --------------------------------------------------------------------------------
TRANSITIONS = [
    # fee class, from, to, allowed
    ("low_no", "proposed", "selected", True),
    ("low_no", "proposed", "rejected", True),
    ("low_no", "proposed", "feasible", False),
    ("low_no", "proposed", "implemented", False),
    ("low_no", "selected", "implemented", True),
    ("low_no", "selected", "feasible", True),
    ("low_no", "selected", "proposed", False),
    ("low_no", "rejected", "selected", False),
    ("low_no", "feasible", "implemented", True),
    ("low_no", "not_feasible", "implemented", False),
    ("low_no", "implemented", "selected", False),
    ("medium_high", "selected", "implemented", False),
    ("medium_high", "selected", "feasible", True),
    ("medium_high", "selected", "not_feasible", True),
    ("medium_high", "feasible", "implemented", True),
    ("medium_high", "not_feasible", "feasible", False),
    ("medium_high", "feasible", "selected", False),
]


@pytest.mark.parametrize("fee_class,old,new,allowed", TRANSITIONS)
def test_the_transition_table(fee_class, old, new, allowed):
    assert may_move(fee_class, old, new) is allowed
    assert (new in next_statuses(fee_class, old)) is allowed


@pytest.mark.django_db
@pytest.mark.parametrize("fee_class,old,new,allowed", TRANSITIONS)
def test_an_option_moves_only_along_the_transitions(make_option, fee_class, old, new, allowed):
    option = make_option(fee_class=fee_class, investment_10k_yuan=80)
    if fee_class == "medium_high":
        analyse(option)  # feasible or implemented only with the analysis (the database too)
    Option.objects.filter(pk=option.pk).update(
        status=old, implemented_on=D(1998, 6, 1) if old == "implemented" else None
    )
    option = Option.objects.get()
    option.status = new
    option.implemented_on = D(1998, 6, 1) if new == "implemented" else None
    if allowed:
        option.full_clean()
    else:
        assert "cannot move from" in refused(option, "status")[0]


@pytest.mark.django_db
def test_changing_the_fee_class_does_not_skip_feasibility(make_option):
    option = make_option(fee_class="medium_high", status="selected", investment_10k_yuan=80)
    option = Option.objects.get(pk=option.pk)
    option.fee_class, option.status, option.implemented_on = "low_no", "implemented", START
    assert "cannot move from" in refused(option, "status")[0]
    option = Option.objects.get(pk=option.pk)
    option.fee_class = "low_no"  # reclassified first, on its own ...
    option.full_clean()
    option.save()
    option = Option.objects.get(pk=option.pk)
    option.status, option.implemented_on = "implemented", START  # ... then implemented
    option.full_clean()


@pytest.mark.django_db
def test_a_new_option_may_start_at_any_status(audit):
    option = Option(
        audit=audit, code="F9", title="回收", aspect="waste", fee_class="low_no", status="selected"
    )
    option.full_clean()
    assert option.allowed_statuses() == OptionStatus.values


@pytest.mark.django_db
def test_an_implemented_option_has_a_date_not_before_the_audit(make_option):
    option = make_option(status="selected")
    option.status = "implemented"
    assert refused(option, "implemented_on")
    db_refuses(option)
    option = Option.objects.get()
    option.status, option.implemented_on = "implemented", START - datetime.timedelta(days=1)
    assert "before its audit started" in refused(option, "implemented_on")[0]
    option.implemented_on = START
    option.full_clean()
    other = make_option(code="F02")
    other.implemented_on = START
    assert "Only an implemented option" in refused(other, "implemented_on")[0]
    db_refuses(other)


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["feasible", "not_feasible", "implemented"])
def test_a_medium_high_option_needs_its_investment(make_option, status):
    option = make_option(fee_class=FeeClass.MEDIUM_HIGH, status="proposed")
    Option.objects.filter(pk=option.pk).update(status="selected")
    option = Option.objects.get()
    analyse(option)  # the database then refuses for the investment, not the analysis
    if status == "implemented":
        Option.objects.filter(pk=option.pk).update(status="feasible", investment_10k_yuan=1)
        option = Option.objects.get()
        option.investment_10k_yuan = None
    option.status = status
    option.implemented_on = D(1999, 1, 1) if status == "implemented" else None
    assert "needs its investment" in refused(option, "investment_10k_yuan")[0]
    db_refuses(option)


@pytest.mark.django_db
def test_amounts_are_never_negative(make_option):
    option = make_option()
    option.investment_10k_yuan = Decimal("-1")
    assert refused(option, "investment_10k_yuan")
    db_refuses(option)
    option = Option.objects.get()
    option.annual_benefit_10k_yuan = Decimal("-0.5")
    assert refused(option, "annual_benefit_10k_yuan")
    db_refuses(option)
    cod = Pollutant.objects.get(code="COD")
    reduction = OptionReduction(option=option, pollutant=cod, amount_per_year=-3)
    assert refused(reduction, "amount_per_year")
    db_refuses(reduction)


@pytest.mark.django_db
def test_option_codes_are_unique_within_an_audit(make_option, make_audit):
    make_option(code="F01")
    duplicate = Option(audit=Option.objects.get().audit, code="F01", title="x", aspect="product")
    duplicate.fee_class = "low_no"
    assert "already used in the audit" in refused(duplicate)[0]
    db_refuses(duplicate)
    elsewhere = Option(
        audit=make_audit(ref="A-2"), code="F01", title="x", aspect="product", fee_class="low_no"
    )
    elsewhere.full_clean()
    elsewhere.save()


@pytest.mark.django_db
def test_one_reduction_per_pollutant(make_option):
    option = make_option()
    cod = Pollutant.objects.get(code="COD")
    OptionReduction.objects.create(option=option, pollutant=cod, amount_per_year=5)
    db_refuses(OptionReduction(option=option, pollutant=cod, amount_per_year=2))


@pytest.mark.django_db
def test_feasibility_belongs_to_medium_high_options_and_checks_its_inputs(make_option):
    low = make_option()
    values = {
        "investment_10k_yuan": 100,
        "annual_net_saving_10k_yuan": 30,
        "depreciation_years": 10,
        "tax_rate_pct": 33,
        "discount_rate_pct": 10,
        "life_years": 10,
    }
    assert "medium/high-fee" in refused(OptionFeasibility(option=low, **values))[0]
    high = make_option(code="F02", fee_class=FeeClass.MEDIUM_HIGH)
    feasibility = OptionFeasibility(option=high, **values)
    feasibility.full_clean()
    feasibility.save()
    assert feasibility.evaluate().npv == Decimal("43.78")
    for field, value in [
        ("annual_net_saving_10k_yuan", -1),
        ("depreciation_years", 0),
        ("discount_rate_pct", 120),
    ]:
        bad = OptionFeasibility.objects.get()
        setattr(bad, field, value)
        assert refused(bad, field)
        db_refuses(bad)


# -- balance and documents ------------------------------------------------------------------
@pytest.mark.django_db
def test_balance_closure_is_flagged_over_five_percent(audit):
    lines = [
        MaterialBalanceLine(audit=audit, direction="input", item="铁矿石", quantity=1000, unit="t"),
        MaterialBalanceLine(audit=audit, direction="input", item="焦炭", quantity=200, unit="t"),
        MaterialBalanceLine(
            audit=audit, direction="output", item="烧结矿", quantity=1100, unit="t"
        ),
        MaterialBalanceLine(audit=audit, direction="output", item="粉尘", quantity=40, unit="t"),
        MaterialBalanceLine(audit=audit, direction="input", item="新鲜水", quantity=100, unit="m3"),
        MaterialBalanceLine(audit=audit, direction="output", item="废水", quantity=97, unit="m3"),
    ]
    tonnes, water = closures(lines)
    assert (tonnes.inputs, tonnes.outputs, tonnes.gap) == (1200, 1140, 60)
    assert tonnes.gap_pct == Decimal("5.0") and not tonnes.flagged  # 5% is the limit itself
    assert water.gap_pct == Decimal("3.0") and not water.flagged
    lines[3].quantity = 39
    assert closures(lines)[0].gap_pct == Decimal("5.1") and closures(lines)[0].flagged
    only_outputs = closures([lines[2]])[0]
    assert only_outputs.gap_pct is None and only_outputs.flagged
    db_refuses(MaterialBalanceLine(audit=audit, direction="input", item="x", quantity=-1, unit="t"))
    db_refuses(
        MaterialBalanceLine(audit=audit, direction="sideways", item="x", quantity=1, unit="t")
    )


@pytest.mark.parametrize(
    "name,content,ok",
    [
        ("plan.pdf", b"%PDF-1.4 ...", True),
        ("balance.xlsx", b"PK\x03\x04...", True),
        ("notes.txt", "审核计划".encode(), True),
        ("plan.pdf", b"MZ\x90\x00 not a pdf", False),
        ("tool.exe", b"MZ\x90\x00", False),
        ("notes.txt", b"\x00\x01\x02", False),
        ("empty.pdf", b"", False),
    ],
)
def test_document_kind_and_content_are_checked(name, content, ok):
    upload = SimpleUploadedFile(name, content)
    if ok:
        assert document_type(upload)
    else:
        with pytest.raises(ValidationError):
            document_type(upload)


def test_documents_over_the_size_limit_are_refused(monkeypatch):
    monkeypatch.setattr("benxi_cp.documents.MAX_DOCUMENT_BYTES", 10)
    with pytest.raises(ValidationError, match="larger than"):
        document_type(SimpleUploadedFile("big.pdf", b"%PDF-" + b"x" * 20))


# -- CP status and access -------------------------------------------------------------------
@pytest.mark.django_db
def test_the_enterprise_cp_status_follows_its_audits(make_audit, enterprise, make_user):
    def status() -> str:
        enterprise.refresh_from_db()
        return enterprise.cp_status

    assert status() == "none"
    audit = make_audit()
    assert status() == "auditing"
    passed(audit)
    assert status() == "assessed"
    audit.acceptance, audit.accepted_by, audit.accepted_on = "pass", "municipality", D(1999, 7, 1)
    audit.save()
    assert status() == "accepted"
    audit.demonstration = True
    audit.save()
    assert status() == "demonstration"
    other = Enterprise.objects.create(code="E-2", name="乙厂", sector="coal")
    # Accepted, the audit is locked: an administrator unlocks it to correct its enterprise.
    unlock_audit(audit, make_user(roles.ADMINISTRATOR, "admin"), "recorded under E-1 by mistake")
    audit.enterprise = other
    audit.save()
    assert status() == "none"
    other.refresh_from_db()
    assert other.cp_status == "demonstration"
    audit.delete()
    other.refresh_from_db()
    assert other.cp_status == "none"


@pytest.mark.django_db
def test_a_failed_assessment_leaves_the_enterprise_auditing(make_audit, enterprise):
    audit = make_audit(steps=8)
    audit.assessment, audit.assessed_on = "fail", D(1999, 1, 1)
    audit.save()
    enterprise.refresh_from_db()
    assert enterprise.cp_status == "auditing"


@pytest.mark.django_db
def test_for_user_scopes_audits_and_options(
    make_audit, make_option, team_auditor, other_auditor, make_user
):
    mine = Audit.objects.get()
    theirs = make_audit(ref="A-2")
    make_option()
    Option.objects.create(audit=theirs, code="F01", title="x", aspect="product", fee_class="low_no")
    assert list(Audit.objects.for_user(team_auditor)) == [mine]
    assert [o.audit for o in Option.objects.for_user(team_auditor)] == [mine]
    assert not Audit.objects.for_user(other_auditor).exists()
    assert not Option.objects.for_user(other_auditor).exists()
    for role in (roles.ADMINISTRATOR, roles.EPB_STAFF, roles.LEADERSHIP):
        user = make_user(role, f"u-{role}")
        assert Audit.objects.for_user(user).count() == 2
        assert Option.objects.for_user(user).count() == 2
    assert not Audit.objects.for_user(make_user(None)).exists()
    assert not Audit.objects.for_user(AnonymousUser()).exists()
