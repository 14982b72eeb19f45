"""The steps an audit had done by a day (audits/programme.py), on audits worked out by hand,
and the same rule read the other way: the day an audit had done its eight steps."""

import datetime
from decimal import Decimal

import pytest

from audits.models import STEP_COUNT, Audit, AuditStep
from audits.programme import eight_steps_done_on, in_programme_q, steps_done

D = datetime.date


def date_steps(audit: Audit, dates: dict[int, datetime.date]) -> None:
    """Give completed steps their completion dates (their status stays as it is)."""
    for number, done_on in dates.items():
        AuditStep.objects.filter(audit=audit, number=number).update(completed_on=done_on)


def done_by(audit: Audit, day: datetime.date) -> int:
    return Audit.objects.annotate(n=steps_done(day)).get(pk=audit.pk).n


@pytest.fixture
def audits(make_audit) -> dict[str, Audit]:
    # Eight steps recorded on the audit, none dated: counted as they stand.
    undated = make_audit("U", steps=5)
    # Every step dated, one a month from March to October 1998.
    dated = make_audit("D", steps=STEP_COUNT)
    date_steps(dated, {n: D(1998, n + 2, 1) for n in range(1, STEP_COUNT + 1)})
    # Only the first three steps dated: the dates decide, and never make eight.
    partly = make_audit("P", steps=STEP_COUNT)
    date_steps(partly, {1: D(1998, 4, 1), 2: D(1998, 5, 1), 3: D(1998, 6, 1)})
    # Assessed on 1 June 1999: all eight by then, whatever its last step's date says.
    assessed = make_audit(
        "S",
        steps=STEP_COUNT,
        assessment="pass",
        assessed_on=D(1999, 6, 1),
        assessment_score=Decimal("80"),
    )
    date_steps(assessed, {n: D(1998, n + 2, 1) for n in range(1, STEP_COUNT)})
    date_steps(assessed, {STEP_COUNT: D(2000, 1, 10)})
    # Started after its steps' dates (a record kept before the audit was registered).
    late = make_audit("L", steps=STEP_COUNT, started_on=D(1999, 3, 1))
    date_steps(late, {n: D(1998, n + 2, 1) for n in range(1, STEP_COUNT + 1)})
    # Eight undated steps, started in 1999.
    whole = make_audit("W", steps=STEP_COUNT, started_on=D(1999, 4, 1))
    return {a.ref: a for a in (undated, dated, partly, assessed, late, whole)}


@pytest.mark.django_db
def test_steps_done_by_a_day(audits):
    expected = {
        # day: {ref: steps done by the end of that day}
        D(1997, 12, 31): {"U": 5, "D": 0, "P": 0, "S": 0, "L": 0, "W": 8},
        D(1998, 6, 15): {"U": 5, "D": 4, "P": 3, "S": 4, "L": 4, "W": 8},
        D(1998, 12, 31): {"U": 5, "D": 8, "P": 3, "S": 7, "L": 8, "W": 8},
        D(1999, 5, 31): {"U": 5, "D": 8, "P": 3, "S": 7, "L": 8, "W": 8},
        D(1999, 6, 1): {"U": 5, "D": 8, "P": 3, "S": 8, "L": 8, "W": 8},
    }
    for day, counts in expected.items():
        found = {ref: done_by(audit, day) for ref, audit in audits.items()}
        assert found == counts, day


@pytest.mark.django_db
def test_the_day_of_the_eighth_step_is_the_same_rule_read_the_other_way(audits):
    unassessed = Audit.objects.filter(assessment="")
    done_on = dict(unassessed.annotate(on=eight_steps_done_on()).values_list("ref", "on"))
    assert done_on == {
        "U": None,  # five steps
        "D": D(1998, 10, 1),  # its eighth step's date
        "P": None,  # its dated steps never make eight
        "L": D(1999, 3, 1),  # its steps were done before it started: its start
        "W": D(1999, 4, 1),  # undated: in the programme with eight steps from its start
    }
    days = [D(1998, 9, 30), D(1998, 10, 1), D(1998, 12, 31), D(1999, 3, 1), D(1999, 3, 31)]
    days += [D(1999, 4, 1), D(2001, 12, 31)]
    for day in days:
        by_steps = set(
            unassessed.filter(in_programme_q(day))
            .annotate(n=steps_done(day))
            .filter(n=STEP_COUNT)
            .values_list("ref", flat=True)
        )
        by_date = {ref for ref, on in done_on.items() if on is not None and on <= day}
        assert by_steps == by_date, day
