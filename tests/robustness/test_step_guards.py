"""The database guard of audit step 5 checked only "selected" options while the rule covers
every option kept at screening (feasible, not feasible and implemented too); and when only
the guard refused, the user read "The database refused this record; check the values."
Now the guard covers exactly the rule (and no more), and its refusal is shown in the rule's
own words, in the user's language."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from audits import locks
from audits.models import AuditStep, Option
from audits.steps import STEP_RULES
from benxi_cp import refusals
from tests.audits.conftest import analyse, give_balance


def high(make_option, status: str, code: str) -> Option:
    option = make_option(code=code, fee_class="medium_high", investment_10k_yuan=80)
    Option.objects.filter(pk=option.pk).update(status=status)  # below the models' checks
    return option


def complete_step_5(audit) -> None:
    AuditStep.objects.filter(audit=audit, number=5).update(
        status="completed", completed_on=datetime.date(1998, 8, 1)
    )


def ready_for_step_5(audit) -> None:
    give_balance(audit)
    AuditStep.objects.filter(audit=audit, number__lte=4).update(status="completed")


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["selected", "not_feasible"])
def test_the_guard_refuses_step_5_with_a_kept_option_without_its_analysis(
    audit, make_option, status
):
    ready_for_step_5(audit)
    option = high(make_option, status, "F09")
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        complete_step_5(audit)
    assert locks.is_rule_error(caught.value)
    assert STEP_RULES[5].rule in str(caught.value)
    analyse(option)
    complete_step_5(audit)
    assert AuditStep.objects.get(audit=audit, number=5).status == "completed"


@pytest.mark.django_db
def test_the_guard_leaves_what_its_rule_does_not_cover(audit, make_option):
    ready_for_step_5(audit)
    high(make_option, "rejected", "F08")  # not kept at screening
    make_option(code="L01", status="selected")  # no/low fee: no analysis needed
    complete_step_5(audit)
    assert AuditStep.objects.get(audit=audit, number=5).status == "completed"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_guards_refusal_is_shown_in_its_rules_words(
    client, audit, make_option, team_auditor, monkeypatch, language
):
    ready_for_step_5(audit)
    from audits.models import Audit

    Audit.objects.filter(pk=audit.pk).update(steps_completed=4)
    high(make_option, "not_feasible", "F09")
    # Only the guard refuses: the models' own check is taken away.
    monkeypatch.setattr("audits.models.audit.step_refusal", lambda audit, number: None)
    client.force_login(team_auditor)
    client.cookies["django_language"] = language
    page = client.post(
        reverse("audits:step", args=[audit.pk, 5]),
        {
            "status": "completed",
            "started_on": "1998-07-01",
            "completed_on": "1998-08-01",
            "checklist": [
                "technical_evaluation",
                "environmental_evaluation",
                "economic_evaluation",
            ],
        },
    ).content.decode()
    with translation.override(language):
        rule = translation.gettext(STEP_RULES[5].rule)
        other = translation.gettext(STEP_RULES[3].rule)
        general = translation.gettext("The database refused this record; check the values.")
    assert rule in page
    assert other not in page and general not in page
    assert AuditStep.objects.get(audit=audit, number=5).status != "completed"


@pytest.mark.django_db
def test_the_message_names_the_rule_the_trigger_named(audit, make_option):
    ready_for_step_5(audit)
    high(make_option, "selected", "F09")
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        complete_step_5(audit)
    with translation.override("en"):
        text = refusals.message_for(caught.value)
    assert STEP_RULES[5].rule in text
    assert STEP_RULES[4].rule not in text
