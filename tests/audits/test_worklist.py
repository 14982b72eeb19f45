"""The audits' work queues: the timetable (step 1 under way within 2 months of the start,
eight steps within a year), scoped to the auditor's own audits; options waiting for their
feasibility analysis; the office's queues of overdue, unassessed and unaccepted audits."""

import datetime

import pytest
from django.utils import translation

from audits import worklist as audit_queues
from audits.models import AuditStep, AuditUnlock
from benxi_cp import worklist
from benxi_cp.worklist import add_months

from .conftest import START, passed

TODAY = datetime.date(1998, 6, 1)  # START (1 March 1998) + 3 months


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def kinds(user, today=TODAY, kind=None):
    return {g.key: g for g in worklist.groups_for(user, today, kinds=[kind] if kind else None)}


@pytest.mark.parametrize(
    "day,months,expected",
    [
        (datetime.date(2020, 1, 31), 1, datetime.date(2020, 2, 29)),
        (datetime.date(2020, 2, 29), 12, datetime.date(2021, 2, 28)),
        (datetime.date(2020, 12, 15), 2, datetime.date(2021, 2, 15)),
        (datetime.date(2021, 3, 1), -12, datetime.date(2020, 3, 1)),
    ],
)
def test_add_months_keeps_within_the_month(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.django_db
def test_an_audit_not_begun_is_due_to_begin_two_months_after_its_start(audit, team_auditor):
    group = kinds(team_auditor)["audits.timetable"]
    [item] = group.items
    assert item.due == datetime.date(1998, 5, 1)
    assert item.is_overdue(TODAY) and group.overdue == 1
    assert "step 1" in item.detail and item.url.endswith(f"/audits/{audit.pk}/steps/1/")
    # the day of the deadline is not late yet
    assert kinds(team_auditor, datetime.date(1998, 5, 1))["audits.timetable"].overdue == 0


@pytest.mark.django_db
def test_once_under_way_the_next_step_is_due_within_a_year(audit, team_auditor):
    AuditStep.objects.filter(audit=audit, number=1).update(status="in_progress")
    [item] = kinds(team_auditor)["audits.timetable"].items
    assert item.due == datetime.date(1999, 3, 1) and not item.is_overdue(TODAY)
    late = datetime.date(1999, 3, 2)
    group = kinds(team_auditor, late)["audits.timetable"]
    assert group.overdue == 1 and group.items[0].is_overdue(late)
    assert worklist.overdue_for(team_auditor, late)[0].kind == "audits.timetable"


@pytest.mark.django_db
def test_the_next_step_follows_the_steps_completed(make_audit, make_user):
    user = make_user("auditor", "busy")
    audit = make_audit("A-2", steps=2)
    audit.team.add(user)
    [item] = kinds(user)["audits.timetable"].items
    assert "step 3" in item.detail and item.url.endswith("/steps/3/")
    assert item.due == add_months(START, 12)


@pytest.mark.django_db
def test_an_auditor_sees_only_the_audits_of_their_team(audit, team_auditor, other_auditor):
    assert [i.title for i in kinds(team_auditor)["audits.timetable"].items] == [
        "A-1 · E-1 Xicheng Steel"
    ]
    group = kinds(other_auditor)["audits.timetable"]
    assert group.items == [] and group.total == 0
    assert "audits.overdue" not in kinds(other_auditor)  # the office's queue


@pytest.mark.django_db
def test_assessed_or_finished_audits_leave_the_auditors_timetable(make_audit, team_auditor):
    make_audit("A-9", steps=8).team.add(team_auditor)
    assert [i.title[:3] for i in kinds(team_auditor)["audits.timetable"].items] == ["A-1"]


@pytest.mark.django_db
def test_options_waiting_for_feasibility_are_those_of_the_users_audits(
    audit, make_option, team_auditor, other_auditor
):
    from .conftest import analyse

    waiting = make_option("M01", fee_class="medium_high", status="selected")
    analysed = make_option("M02", fee_class="medium_high", status="selected")
    analyse(analysed)
    make_option("L01", status="selected")  # no/low-fee: no analysis needed
    make_option("M03", fee_class="medium_high", status="proposed")  # not screened yet
    group = kinds(team_auditor)["audits.feasibility"]
    assert [item.title for item in group.items] == [f"A-1 M01 · {waiting.title}"]
    assert group.items[0].url.endswith(f"/options/{waiting.pk}/feasibility/")
    assert group.items[0].due == add_months(START, 12) and group.overdue == 0
    assert kinds(team_auditor, datetime.date(1999, 3, 2))["audits.feasibility"].overdue == 1
    assert kinds(other_auditor)["audits.feasibility"].total == 0


@pytest.mark.django_db
def test_the_office_sees_every_overdue_audit(make_audit, administrator, auditor_user):
    make_audit("A-1")  # not begun, 3 months after the start: late
    begun = make_audit("A-2")
    AuditStep.objects.filter(audit=begun, number=1).update(status="completed")
    group = kinds(administrator)["audits.overdue"]
    assert [item.title[:3] for item in group.items] == ["A-1"]
    assert group.total == group.overdue == 1
    assert kinds(administrator, datetime.date(1999, 3, 2))["audits.overdue"].total == 2
    assert "audits.overdue" not in kinds(auditor_user)


@pytest.mark.django_db
def test_the_office_queues_of_assessment_acceptance_and_unlocks(make_audit, administrator):
    waiting = make_audit("A-8", steps=8)
    assessed = make_audit("A-9", steps=8)
    passed(assessed)
    accepted = make_audit("A-10", steps=8)
    passed(accepted, accepted=datetime.date(1999, 6, 1))
    AuditUnlock.objects.create(audit=accepted, unlocked_by=administrator, reason="typo")
    found = kinds(administrator)
    assert [i.url for i in found["audits.assessment"].items] == [
        f"/audits/{waiting.pk}/assessment/"
    ]
    assert [i.url for i in found["audits.acceptance"].items] == [
        f"/audits/{assessed.pk}/acceptance/"
    ]
    [unlock] = found["audits.unlocks"].items
    assert unlock.url == accepted.get_absolute_url() and "typo" in unlock.detail


@pytest.mark.django_db
def test_the_overdue_count_agrees_with_the_items(make_audit, administrator, monkeypatch):
    monkeypatch.setattr(worklist, "LIMIT", 2)
    for n in range(4):
        make_audit(f"A-{n}", started_on=START + datetime.timedelta(days=n))
    group = kinds(administrator, kind="audits.overdue")["audits.overdue"]
    assert group.shown == 2 and group.total == 4 and group.overdue == 4
    assert audit_queues.START_WITHIN_MONTHS == 2 and audit_queues.FINISH_WITHIN_MONTHS == 12


@pytest.mark.django_db
def test_the_overdue_queue_links_to_the_audits_list_filtered_alike(
    client, make_audit, administrator
):
    make_audit("A-1", started_on=datetime.date(2001, 6, 1))  # long overdue
    make_audit("A-2", started_on=datetime.date.today())  # just started
    group = kinds(administrator, datetime.date.today(), "audits.overdue")["audits.overdue"]
    assert group.more_url == "/audits/?overdue=true"
    client.force_login(administrator)
    html = client.get(group.more_url).content.decode()
    assert "A-1" in html and "A-2" not in html
    html = client.get("/audits/?overdue=false").content.decode()
    assert "A-2" in html and "A-1" not in html
