"""The audit rules and the lock on accepted audits, at the model, the forms and
grid, the importer, the admin and the database (SQLite and PostgreSQL alike)."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from audits import locks
from audits.models import (
    Audit,
    AuditLocked,
    AuditStep,
    AuditUnlock,
    MaterialBalanceLine,
    Option,
    OptionFeasibility,
    OptionReduction,
)
from audits.services import UnlockRefused, relock_audit, unlock_audit
from benxi_cp import guards, roles
from benxi_cp.importers import get_importer
from enterprises.models import Pollutant
from reports.summary import programme_summary
from tests.audits.conftest import analyse, give_balance, passed

D = datetime.date
OPTION_HEADER = (
    "audit_ref,code,title,aspect,fee_class,status,investment_10k_yuan,"
    "annual_benefit_10k_yuan,actual_investment_10k_yuan,actual_annual_benefit_10k_yuan,"
    "implemented_on\n"
)


@pytest.fixture(autouse=True)
def english(client):
    """English messages, in the test and in the pages the client asks for."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def messages_of(obj) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()
    return [m for ms in caught.value.message_dict.values() for m in ms]


def fresh(model, pk):
    return model.objects.get(pk=pk)


def high(make_option, status="selected", code="F09", **fields):
    option = make_option(
        code=code, fee_class="medium_high", investment_10k_yuan=Decimal(80), **fields
    )
    Option.objects.filter(pk=option.pk).update(status=status)
    return fresh(Option, option.pk)


# -- feasibility and its NPV -----------------------------------------------------------------
@pytest.mark.django_db
def test_a_medium_high_option_is_feasible_or_implemented_only_with_its_analysis(make_option):
    option = high(make_option)
    option.status = "feasible"
    assert any("only with its feasibility analysis" in m for m in messages_of(option))
    analyse(option)
    option = fresh(Option, option.pk)
    option.status = "feasible"
    option.full_clean()
    option.save()
    option = fresh(Option, option.pk)
    option.status, option.implemented_on = "implemented", D(1999, 1, 1)
    option.full_clean()
    # A new option cannot start feasible or implemented: it has no analysis yet.
    new = Option(
        audit=option.audit,
        code="F10",
        title="新",
        aspect="technology",
        fee_class="medium_high",
        status="implemented",
        investment_10k_yuan=1,
        implemented_on=D(1999, 1, 1),
    )
    assert any("feasibility analysis" in m for m in messages_of(new))


@pytest.mark.django_db
def test_feasible_with_a_negative_npv_needs_a_written_reason(make_option):
    option = high(make_option)
    feasibility = analyse(option, saving="5")  # NPV below zero
    assert feasibility.evaluate().npv < 0
    option = fresh(Option, option.pk)
    option.status = "feasible"
    refused = messages_of(option)
    assert any("net present value is negative" in m for m in refused), refused
    feasibility.negative_npv_reason = "Required by the discharge permit; no cheaper way."
    feasibility.save()
    option = fresh(Option, option.pk)
    option.status = "feasible"
    option.full_clean()
    option.save()
    # The reason cannot go afterwards while the option stays feasible.
    feasibility = fresh(OptionFeasibility, feasibility.pk)
    feasibility.negative_npv_reason = " "
    assert any("written reason" in m for m in messages_of(feasibility))


@pytest.mark.django_db
def test_the_feasibility_page_refuses_a_negative_npv_conclusion_without_reason(
    client, make_option, team_auditor
):
    option = high(make_option)
    client.force_login(team_auditor)
    url = reverse("audits:option_feasibility", args=[option.pk])
    data = {
        "investment_10k_yuan": "80",
        "annual_net_saving_10k_yuan": "5",
        "depreciation_years": "10",
        "tax_rate_pct": "33",
        "discount_rate_pct": "10",
        "life_years": "10",
        "conclusion": "feasible",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "net present value is negative" in response.content.decode()
    assert fresh(Option, option.pk).status == "selected"
    assert not OptionFeasibility.objects.exists()
    data["negative_npv_reason"] = "Needed for the permit."
    assert client.post(url, data).status_code == 302
    assert fresh(Option, option.pk).status == "feasible"
    assert OptionFeasibility.objects.get().negative_npv_reason == "Needed for the permit."


@pytest.mark.django_db
def test_the_grid_refuses_feasible_without_analysis(client, audit, make_option, team_auditor):
    option = high(make_option, code="F01")
    client.force_login(team_auditor)
    row = {
        "id": str(option.pk),
        "code": "F01",
        "title": "脱硫",
        "aspect": "management",
        "fee_class": "medium_high",
        "step": "4",
        "status": "feasible",
        "investment_10k_yuan": "80",
    }
    data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1"}
    data |= {f"form-0-{k}": v for k, v in row.items()}
    response = client.post(reverse("audits:options", args=[audit.pk]), data)
    assert response.status_code == 200
    assert "only with its feasibility analysis" in response.content.decode()
    assert fresh(Option, option.pk).status == "selected"


# -- the steps ---------------------------------------------------------------------------------
def complete(audit, number) -> AuditStep:
    step = audit.steps.get(number=number)
    step.status, step.started_on, step.completed_on = "completed", D(1998, 4, 1), D(1998, 5, 1)
    step.checklist = step.definition.keys
    return step


@pytest.mark.django_db
def test_step_3_completes_only_with_a_material_balance(make_audit):
    audit = make_audit(steps=2)
    assert any("material balance" in m for m in messages_of(complete(audit, 3)))
    give_balance(audit)
    step = complete(audit, 3)
    step.full_clean()
    step.save()
    # The balance then keeps at least one line.
    lines = list(audit.balance_lines.all())
    lines[0].delete()
    with pytest.raises(ValidationError, match="keeps at least one line"):
        lines[1].delete()


@pytest.mark.django_db
def test_step_4_completes_only_when_no_option_is_left_proposed(make_audit, make_option):
    audit = make_audit(ref="S-4", steps=3)
    give_balance(audit)
    proposed = make_option(code="F01", audit=audit)
    refused = messages_of(complete(audit, 4))
    assert any("“Proposed”" in m and "F01" in m for m in refused), refused
    proposed.status = "selected"
    proposed.save()
    step = complete(audit, 4)
    step.full_clean()
    step.save()
    audit.refresh_from_db()
    Audit.objects.filter(pk=audit.pk).update(steps_completed=4)
    audit = fresh(Audit, audit.pk)
    late = Option(audit=audit, code="F02", title="新", aspect="management", fee_class="low_no")
    assert any("none stays “Proposed”" in m for m in messages_of(late))


@pytest.mark.django_db
def test_step_5_completes_only_with_every_selected_high_fee_analysis(make_audit, make_option):
    audit = make_audit(ref="S-5", steps=4)
    give_balance(audit)
    option = high(make_option, audit=audit)
    refused = messages_of(complete(audit, 5))
    assert any("feasibility analysis" in m and "F09" in m for m in refused), refused
    analyse(option)
    complete(audit, 5).full_clean()


@pytest.mark.django_db
def test_the_step_page_says_why_in_both_languages(client, audit, team_auditor):
    Audit.objects.filter(pk=audit.pk).update(steps_completed=2)
    AuditStep.objects.filter(audit=audit, number__lte=2).update(status="completed")
    audit.team.add(team_auditor)
    client.force_login(team_auditor)
    data = {
        "status": "completed",
        "started_on": "1998-03-02",
        "completed_on": "1998-03-20",
        "checklist": ["baseline", "material_balance", "waste_causes"],
    }
    url = reverse("audits:step", args=[audit.pk, 3])
    page = client.post(url, data).content.decode()
    assert "only with a material balance" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.post(url, data).content.decode()
    assert "物料平衡" in page and "only with a material balance" not in page
    assert audit.steps.get(number=3).status != "completed"


@pytest.mark.django_db
def test_the_balance_page_keeps_a_line_once_step_3_is_completed(client_as, make_audit):
    audit = make_audit(steps=2)
    give_balance(audit)
    AuditStep.objects.filter(audit=audit, number=3).update(status="completed")
    client = client_as("epb_staff")
    lines = list(audit.balance_lines.all())
    data = {"balance_lines-TOTAL_FORMS": "2", "balance_lines-INITIAL_FORMS": "2"}
    for i, line in enumerate(lines):
        data |= {
            f"balance_lines-{i}-id": str(line.pk),
            f"balance_lines-{i}-direction": line.direction,
            f"balance_lines-{i}-item": line.item,
            f"balance_lines-{i}-quantity": "100",
            f"balance_lines-{i}-unit": "t/a",
            f"balance_lines-{i}-DELETE": "on",
        }
    response = client.post(reverse("audits:balance", args=[audit.pk]), data)
    assert response.status_code == 200 and "keeps at least one line" in response.content.decode()
    assert audit.balance_lines.count() == 2


# -- import ----------------------------------------------------------------------------------
def run(kind, text, user=None):
    return get_importer(kind)(user=user).run(text.encode(), "f.csv", dry_run=False)


def problems(result) -> list[str]:
    return [str(issue) for issue in result.errors]


@pytest.mark.django_db
def test_the_options_importer_holds_the_rules(make_audit, make_option):
    audit = make_audit(ref="I-1", steps=4)
    give_balance(audit)
    option = high(make_option, audit=audit, code="F01")
    feasible = OPTION_HEADER + "I-1,F01,Burner,technology,medium_high,feasible,80,,,,\n"
    assert any("feasibility analysis" in p for p in problems(run("options", feasible)))
    analyse(option, saving="5")
    assert any("written reason" in p for p in problems(run("options", feasible)))
    proposed = OPTION_HEADER + "I-1,F02,Leak,management,low_no,proposed,1,,,,\n"
    assert any("“Proposed”" in p for p in problems(run("options", proposed)))
    actual = OPTION_HEADER + "I-1,F03,Leak,management,low_no,selected,1,2,1,,\n"
    assert any("actual figures" in p for p in problems(run("options", actual)))
    assert fresh(Option, option.pk).status == "selected" and Option.objects.count() == 1
    OptionFeasibility.objects.update(negative_npv_reason="Permit condition.")
    assert run("options", feasible).ok


# -- estimate and actual -----------------------------------------------------------------------
@pytest.mark.django_db
def test_the_summary_counts_actual_figures_and_says_where_it_used_the_estimate(make_option):
    estimated = make_option(
        code="F01",
        status="implemented",
        implemented_on=D(1999, 1, 1),
        investment_10k_yuan=Decimal(10),
        annual_benefit_10k_yuan=Decimal(30),
    )
    make_option(
        code="F02",
        status="implemented",
        implemented_on=D(1999, 1, 1),
        investment_10k_yuan=Decimal(4),
        annual_benefit_10k_yuan=Decimal(8),
        actual_investment_10k_yuan=Decimal(5),
        actual_annual_benefit_10k_yuan=Decimal(9),
    )
    data = programme_summary(1999)
    assert (data.investment_10k_yuan, data.annual_benefit_10k_yuan) == (15, 39)
    assert data.implemented_at_estimate == 1
    # Entering the actual figure keeps the estimate beside it.
    estimated.actual_investment_10k_yuan = Decimal(12)
    estimated.actual_annual_benefit_10k_yuan = Decimal(31)
    estimated.full_clean()
    estimated.save()
    estimated = fresh(Option, estimated.pk)
    assert (estimated.investment_10k_yuan, estimated.actual_investment_10k_yuan) == (10, 12)
    data = programme_summary(1999)  # the audits' change makes it computed again
    assert (data.investment_10k_yuan, data.annual_benefit_10k_yuan) == (17, 40)
    assert data.implemented_at_estimate == 0
    selected = make_option(code="F03", status="selected")
    selected.actual_investment_10k_yuan = Decimal(1)
    assert any("actual figures" in m for m in messages_of(selected))


# -- the lock --------------------------------------------------------------------------------
@pytest.fixture
def accepted(audit, make_option):
    option = make_option(code="F01", status="selected", investment_10k_yuan=Decimal(1))
    passed(audit, accepted=D(1999, 7, 1))
    return fresh(Audit, audit.pk), fresh(Option, option.pk)


@pytest.mark.django_db
def test_an_accepted_audit_refuses_changes_to_its_options_and_figures(accepted, make_user):
    audit, option = accepted
    option.annual_benefit_10k_yuan = Decimal(99999)
    with pytest.raises(ValidationError, match="is locked"):
        option.full_clean()
    with pytest.raises(AuditLocked):
        option.save()
    with pytest.raises(AuditLocked):
        fresh(Option, option.pk).delete()
    fresh(Option, option.pk).save()  # unchanged: nothing to write, nothing refused
    audit.accepted_on = D(1999, 7, 2)
    with pytest.raises(ValidationError, match="is locked"):
        audit.full_clean()
    audit = fresh(Audit, audit.pk)
    audit.demonstration = True  # named after the acceptance
    audit.full_clean()
    audit.save()
    step = audit.steps.get(number=8)
    step.notes = "改"
    with pytest.raises(ValidationError, match="is locked"):
        step.full_clean()
    line = MaterialBalanceLine(audit=audit, direction="input", item="水", quantity=1, unit="t")
    with pytest.raises(ValidationError, match="is locked"):
        line.full_clean()

    # An administrator unlocks it, with a reason; then it changes, and is locked again.
    auditor = make_user(roles.AUDITOR, "a1")
    admin = make_user(roles.ADMINISTRATOR, "boss")
    with pytest.raises(UnlockRefused):
        unlock_audit(audit, auditor, "why not")
    with pytest.raises(UnlockRefused):
        unlock_audit(audit, admin, "  ")
    unlock = unlock_audit(audit, admin, "Benefit recorded in yuan, not 10k yuan.")
    option = fresh(Option, option.pk)
    option.annual_benefit_10k_yuan = Decimal(3)
    option.full_clean()
    option.save()
    relock_audit(audit, admin)
    unlock.refresh_from_db()
    assert unlock.relocked_by == admin and unlock.relocked_at is not None
    option = fresh(Option, option.pk)
    option.annual_benefit_10k_yuan = Decimal(4)
    with pytest.raises(AuditLocked):
        option.save()
    assert fresh(Option, option.pk).annual_benefit_10k_yuan == 3


@pytest.mark.django_db
def test_the_database_refuses_what_goes_around_the_models(accepted, make_user):
    audit, option = accepted
    so2 = Pollutant.objects.get(code="SO2")
    writes = [
        lambda: Option.objects.filter(pk=option.pk).update(annual_benefit_10k_yuan=99999),
        lambda: Option.objects.filter(pk=option.pk).delete(),
        lambda: Option.objects.bulk_create(
            [Option(audit=audit, code="X", title="x", aspect="management", fee_class="low_no")]
        ),
        lambda: OptionReduction.objects.bulk_create(
            [OptionReduction(option=option, pollutant=so2, amount_per_year=1)]
        ),
        lambda: MaterialBalanceLine.objects.filter(audit=audit).update(quantity=1),
        lambda: MaterialBalanceLine.objects.filter(audit=audit).delete(),
        lambda: AuditStep.objects.filter(audit=audit).update(notes="x"),
        lambda: Audit.objects.filter(pk=audit.pk).update(accepted_on=D(1999, 7, 3)),
        lambda: Audit.objects.filter(pk=audit.pk).update(acceptance=""),
        lambda: Audit.objects.filter(pk=audit.pk).delete(),
    ]
    for write in writes:
        with pytest.raises(IntegrityError, match=locks.LOCKED), transaction.atomic():
            write()
    # Descriptions and the demonstration may change; so may all of it while unlocked.
    Audit.objects.filter(pk=audit.pk).update(focus="新重点", demonstration=True)
    unlock_audit(audit, make_user(roles.ADMINISTRATOR, "boss"), "correction")
    with transaction.atomic():
        Option.objects.filter(pk=option.pk).update(annual_benefit_10k_yuan=5)
        AuditStep.objects.filter(audit=audit).update(notes="x")
    # A loader writes below the lock.
    relock_audit(audit, fresh(AuditUnlock, AuditUnlock.objects.get().pk).unlocked_by)
    with transaction.atomic(), guards.suspended():
        Option.objects.filter(pk=option.pk).update(annual_benefit_10k_yuan=6)
    with pytest.raises(IntegrityError), transaction.atomic():
        Option.objects.filter(pk=option.pk).update(annual_benefit_10k_yuan=7)
    assert fresh(Option, option.pk).annual_benefit_10k_yuan == 6


@pytest.mark.django_db
def test_a_locked_audit_refuses_the_grid_and_the_import(client_as, accepted):
    audit, option = accepted
    client = client_as("epb_staff")
    page = client.get(reverse("audits:options", args=[audit.pk])).content.decode()
    assert 'id="audit-locked"' in page
    row = {
        "id": str(option.pk),
        "code": "F01",
        "title": "改",
        "aspect": "management",
        "fee_class": "low_no",
        "step": "4",
        "status": "selected",
    }
    data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1"}
    data |= {f"form-0-{k}": v for k, v in row.items()}
    response = client.post(reverse("audits:options", args=[audit.pk]), data)
    assert response.status_code == 200 and "is locked" in response.content.decode()
    text = OPTION_HEADER + f"{audit.ref},F01,改,management,low_no,selected,1,,,,\n"
    assert any("locked" in p for p in problems(run("options", text)))
    assert fresh(Option, option.pk).title == "堵漏"


@pytest.mark.django_db
def test_an_administrator_unlocks_on_the_audit_page_with_a_reason(client_as, accepted):
    audit, option = accepted
    epb = client_as("epb_staff")
    assert epb.post(reverse("audits:unlock", args=[audit.pk]), {"reason": "x"}).status_code == 403
    client = client_as(roles.ADMINISTRATOR)
    page = client.get(audit.get_absolute_url()).content.decode()
    assert 'id="unlock-form"' in page
    client.post(reverse("audits:unlock", args=[audit.pk]), {"reason": ""})
    assert not AuditUnlock.objects.exists()
    client.post(reverse("audits:unlock", args=[audit.pk]), {"reason": "单位录错"})
    unlock = AuditUnlock.objects.get()
    assert unlock.reason == "单位录错" and unlock.is_open
    page = client.get(audit.get_absolute_url()).content.decode()
    assert 'id="relock-form"' in page and "单位录错" in page
    client.post(reverse("audits:relock", args=[audit.pk]))
    assert not AuditUnlock.objects.get().is_open
    assert fresh(Audit, audit.pk).is_locked


@pytest.mark.django_db
def test_the_admin_unlocks_with_a_reason_and_shows_locked_options_read_only(
    client, accepted, make_user
):
    audit, option = accepted
    admin = make_user(roles.ADMINISTRATOR, "boss")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    change = reverse("admin:audits_option_change", args=[option.pk])
    page = client.get(change).content.decode()
    assert 'name="title"' not in page  # read-only while locked
    add = reverse("admin:audits_auditunlock_add")
    response = client.post(add, {"audit": audit.pk, "reason": ""})
    assert response.status_code == 200 and not AuditUnlock.objects.exists()
    response = client.post(add, {"audit": audit.pk, "reason": "Wrong benefit unit."})
    assert response.status_code == 302
    assert AuditUnlock.objects.get().unlocked_by == admin
    assert 'name="title"' in client.get(change).content.decode()


# -- the rules in the database (audits/locks.py, audit_rule_*) ------------------------------


def rule_refuses(work) -> None:
    """`work()` is refused by an audit rule's trigger, below the models."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        work()
    assert locks.is_rule_error(caught.value), caught.value


def test_the_database_holds_the_feasibility_rule(make_option):
    option = high(make_option)
    for status in ("feasible", "implemented"):
        implemented = D(1999, 3, 1) if status == "implemented" else None
        rule_refuses(
            lambda status=status, implemented=implemented: Option.objects.filter(
                pk=option.pk
            ).update(status=status, implemented_on=implemented)
        )
    rule_refuses(  # reclassified into the rule, feasible already
        lambda: Option.objects.filter(pk=make_option(code="L1", status="feasible").pk).update(
            fee_class="medium_high", investment_10k_yuan=80
        )
    )
    rule_refuses(  # created feasible
        lambda: Option.objects.create(
            audit=option.audit,
            code="N1",
            title="新",
            aspect="management",
            fee_class="medium_high",
            status="feasible",
            investment_10k_yuan=80,
        )  # fmt: skip
    )
    analyse(option)
    Option.objects.filter(pk=option.pk).update(status="feasible")
    assert fresh(Option, option.pk).status == "feasible"


def test_the_database_holds_the_step_rules(audit, make_option):
    def complete(number):
        return lambda: AuditStep.objects.filter(audit=audit, number=number).update(
            status="completed", completed_on=D(1998, 8, 1)
        )

    complete(1)()
    complete(2)()
    rule_refuses(complete(3))  # no material balance
    give_balance(audit)
    complete(3)()
    proposed = make_option(code="L1")
    rule_refuses(complete(4))  # an option still proposed
    Option.objects.filter(pk=proposed.pk).update(status="rejected")
    complete(4)()
    selected = high(make_option)
    rule_refuses(complete(5))  # a selected medium/high-fee option without its feasibility
    analyse(selected)
    complete(5)()
    assert AuditStep.objects.filter(audit=audit, status="completed").count() == 5


def test_loaders_write_below_the_rules(audit):
    with transaction.atomic(), guards.suspended():  # step 3 without a material balance
        AuditStep.objects.filter(audit=audit, number__lte=3).update(status="completed")
    assert AuditStep.objects.filter(audit=audit, status="completed").count() == 3
    # The rules hold again after the load.
    step3 = AuditStep.objects.filter(audit=audit, number=3)
    step3.update(status="in_progress")
    rule_refuses(lambda: step3.update(status="completed"))


def test_a_rule_refusal_no_view_caught_has_its_message(audit):
    """benxi_cp/refusals.py: shown as a message (the admin site's pages), never a 500."""
    from benxi_cp import refusals

    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        AuditStep.objects.filter(audit=audit, number=3).update(status="completed")
    assert "breaks an audit rule" in refusals.message_for(caught.value)
