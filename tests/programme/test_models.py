"""The registers' rules in the database, and the counts and totals computed from them."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programme.models import Incentive, Policy, TrainingEvent, TrainingParticipation
from programme.outreach.queries import (
    incentive_totals,
    totals_grid,
    training_counts,
    year_by_audience,
)


def refused(make) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


@pytest.mark.django_db
def test_an_event_lasts_more_than_zero_hours(make_event):
    refused(lambda: make_event(hours=Decimal("0")))
    refused(lambda: make_event(title="x", hours=Decimal("1000")))


@pytest.mark.django_db
def test_one_event_per_date_and_title(make_event):
    make_event()
    refused(make_event)


@pytest.mark.django_db
def test_an_enterprise_is_listed_once_per_event_with_at_least_one_person(make_event, enterprises):
    event = make_event(people=[(enterprises["E-1"], 3)])
    refused(
        lambda: TrainingParticipation.objects.create(
            event=event, enterprise=enterprises["E-1"], participants=2
        )
    )
    refused(
        lambda: TrainingParticipation.objects.create(
            event=event, enterprise=enterprises["E-2"], participants=0
        )
    )


@pytest.mark.django_db
def test_an_incentive_is_never_negative(make_incentive):
    refused(lambda: make_incentive(amount_10k_yuan=Decimal("-1")))


@pytest.mark.django_db
def test_one_incentive_per_decision_enterprise_and_kind(make_incentive):
    make_incentive(decision_number="D-1")
    refused(lambda: make_incentive(decision_number="D-1"))
    make_incentive(decision_number="D-1", kind="loan")  # another kind
    make_incentive(decision_number="")  # no number: no rule
    make_incentive(decision_number="")


@pytest.mark.django_db
def test_the_audit_rewarded_is_of_the_same_enterprise(make_incentive, audits):
    make_incentive(audit=audits["A-1"])
    with pytest.raises(ValidationError):
        Incentive(
            kind="reward",
            enterprise=audits["A-1"].enterprise,
            audit=audits["A-2"],
            amount_10k_yuan=1,
            granted_on=datetime.date(2000, 1, 1),
        ).full_clean()
    # The database refuses it too, whatever writes it.
    refused(lambda: make_incentive(audit=audits["A-2"]))
    incentive = make_incentive(audit=audits["A-1"], decision_number="D-9")
    refused(lambda: Incentive.objects.filter(pk=incentive.pk).update(audit=audits["A-2"]))


@pytest.mark.django_db
def test_a_policy_takes_effect_on_or_after_its_issue(policy):
    policy.effective_on = policy.issued_on - datetime.timedelta(days=1)
    refused(policy.save)


@pytest.mark.django_db
def test_an_issuer_numbers_its_policies_once(policy):
    refused(
        lambda: Policy.objects.create(
            title="another",
            level="municipal",
            issuer=policy.issuer,
            number=policy.number,
            issued_on=policy.issued_on,
            kind="other",
        )
    )


@pytest.mark.django_db
def test_training_counts_by_year_and_audience(make_event, enterprises):
    e1, e2 = enterprises["E-1"], enterprises["E-2"]
    make_event(people=[(e1, 3), (e2, 2)], other_participants=1)  # 1999, 16 h, 6 people
    make_event(title="b", hours=Decimal("8"), people=[(e1, 4)])  # 1999, 8 h, 4 people
    make_event(
        title="c", audience="public", kind="outreach", hours=Decimal("3"), other_participants=200
    )
    make_event(title="d", held_on=datetime.date(2000, 5, 1), people=[(e2, 5)])
    counts = {(c.year, c.audience): c for c in training_counts(TrainingEvent.objects.all())}
    ent = counts[(1999, "enterprises")]
    assert (ent.events, ent.hours, ent.participants) == (2, Decimal("24"), 10)
    assert ent.participant_hours == Decimal(16 * 6 + 8 * 4)
    assert counts[(1999, "public")].participants == 200
    assert counts[(2000, "enterprises")].participants == 5
    year = year_by_audience(TrainingEvent.objects.all(), 1999)
    assert [c.audience for c in year] == [
        "decision_makers",
        "authorities",
        "enterprises",
        "auditors",
        "public",
    ]
    assert year[0].events == 0


@pytest.mark.django_db
def test_incentive_totals_by_year_and_kind(make_incentive):
    make_incentive(amount_10k_yuan=Decimal("5"))
    make_incentive(amount_10k_yuan=Decimal("3.5"), enterprise="E-2")
    make_incentive(kind="loan", amount_10k_yuan=Decimal("100"))
    make_incentive(granted_on=datetime.date(2000, 1, 5), amount_10k_yuan=Decimal("2"))
    totals = incentive_totals(Incentive.objects.all())
    assert [(t.year, t.kind, t.count, t.amount) for t in totals] == [
        (1999, "loan", 1, Decimal("100")),
        (1999, "reward", 2, Decimal("8.5")),
        (2000, "reward", 1, Decimal("2")),
    ]
    grid = totals_grid(totals)
    assert grid["total"] == Decimal("110.5")
    assert grid["rows"][0]["amount"] == Decimal("108.5")
    assert grid["count"] == 4
