"""The organisation's rules in the database: terms, statuses and done dates; current and past
members; which tasks a user sees; which department a user works in."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from programme.models import Body, Member, Task, UserProfile
from programme.organisation.queries import department_of, week_start
from tests.programme.organisation_builders import TODAY, seat

D = datetime.date


def refused(create) -> bool:
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


@pytest.mark.django_db
def test_a_done_task_has_its_done_date_and_an_open_one_none(org):
    epb = org["epb"]

    def task(**fields):
        values = {"text": "x", "department": epb, "due_date": TODAY} | fields
        return lambda: Task.objects.create(**values)

    assert refused(task(status="done"))
    assert refused(task(status="open", done_date=TODAY))
    assert refused(task(status="finished"))
    assert refused(task(text=""))
    assert not refused(task(status="done", done_date=TODAY))
    assert not refused(task(status="cancelled"))
    assert not refused(task(status="cancelled", done_date=TODAY))


@pytest.mark.django_db
def test_a_term_cannot_end_before_it_starts_and_a_seat_is_not_recorded_twice(org):
    team = org["team"]
    assert refused(lambda: seat(team, start=D(2001, 1, 1), term_end=D(2000, 12, 31)))
    assert refused(lambda: seat(team, role="chairman"))
    assert refused(lambda: seat(team, name=""))
    seat(team, start=D(2001, 1, 1), term_end=D(2001, 1, 1))  # a one-day term
    assert refused(lambda: seat(team, start=D(2001, 1, 1)))
    seat(team, role="leader", start=D(2001, 1, 1))  # another role: another seat


@pytest.mark.django_db
def test_a_body_is_not_its_own_parent_and_its_kind_is_known(org):
    office = org["office"]
    office.parent = office
    assert refused(office.save)
    assert refused(lambda: Body.objects.create(code="x", kind="club", name="x"))


@pytest.mark.django_db
def test_current_and_past_members(org):
    team = org["team"]
    old = seat(team, "周海涛", "leader", D(1994, 5, 1), term_end=D(2000, 12, 31))
    new = seat(team, "高振华", "leader", D(2001, 1, 1))
    future = seat(team, "林卫东", "member", D(2002, 1, 1))
    assert list(Member.objects.current(TODAY)) == [new]
    assert list(Member.objects.past(TODAY)) == [old]
    assert not future.is_current(TODAY) and new.is_current(TODAY)
    assert old.is_current(D(2000, 12, 31))  # the last day of a term is in it


@pytest.mark.django_db
def test_department_of_a_user(org, place, make_user):
    clerk = make_user("epb_staff")
    assert department_of(clerk) is None
    place(clerk, org["epb"])
    assert department_of(clerk) == org["epb"]
    # Without a profile's department, a current seat's department says it.
    member = make_user("leadership")
    seat(org["team"], "财政局长", start=D(2000, 1, 1), department=org["finance"], user=member)
    assert department_of(member) == org["finance"]
    UserProfile.objects.create(user=make_user(None, "nobody"))  # a profile without department
    assert department_of(UserProfile.objects.get(user__username="nobody").user) is None


@pytest.mark.django_db
def test_which_tasks_each_role_sees(org, place, make_user):
    """The office and the leading team see every task; the EPB and auditors their own
    department's; a user without a department none."""
    tasks = org["tasks"]
    every = set(Task.objects.values_list("pk", flat=True))
    assert (
        set(Task.objects.for_user(make_user("administrator")).values_list("pk", flat=True)) == every
    )
    assert set(Task.objects.for_user(make_user("leadership")).values_list("pk", flat=True)) == every
    clerk = make_user("epb_staff")
    assert not Task.objects.for_user(clerk).exists()
    place(clerk, org["epb"])
    assert set(Task.objects.for_user(clerk)) == {tasks["late"], tasks["soon"]}
    auditor = place(make_user("auditor"), org["finance"])
    assert set(Task.objects.for_user(auditor)) == {tasks["later"]}
    assert not Task.objects.for_user(make_user(None)).exists()


@pytest.mark.django_db
def test_overdue_tasks(org):
    tasks = org["tasks"]
    assert list(Task.objects.overdue(TODAY)) == [tasks["late"]]
    assert tasks["late"].is_overdue(TODAY) and not tasks["soon"].is_overdue(TODAY)
    tasks["late"].status, tasks["late"].done_date = "done", TODAY
    tasks["late"].save()
    assert not Task.objects.overdue(TODAY).exists() and not tasks["late"].is_overdue(TODAY)


def test_week_start():
    assert week_start(D(2001, 11, 7)) == D(2001, 11, 5)
    assert week_start(D(2001, 11, 5)) == D(2001, 11, 5)
    assert week_start(D(2001, 11, 11)) == D(2001, 11, 5)


@pytest.mark.django_db
def test_edits_keep_a_history(org):
    task = org["tasks"]["late"]
    task.status, task.done_date = "done", TODAY
    task.save()
    assert [h.status for h in task.history.order_by("history_id")] == ["open", "done"]


def test_the_mail_languages_are_the_sites_languages():
    from django.conf import settings

    from programme.organisation.choices import MailLanguage

    assert set(MailLanguage.values) == {code for code, _name in settings.LANGUAGES}
