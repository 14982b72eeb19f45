"""Builders of the programme's organisation for its tests: two departments, the leading team
and the office, a meeting with tasks, and users placed in departments."""

import datetime

import pytest

from programme.models import Body, Meeting, Member, Task, UserProfile
from targets.models import Department

TODAY = datetime.date(2001, 11, 7)  # a Wednesday


@pytest.fixture
def org(db):
    """Departments epb and finance, the leading team and the office, a meeting of the office
    and three tasks: the EPB's overdue, the EPB's due soon, finance's due later."""
    epb = Department.objects.create(code="epb", name="市环境保护局", name_en="EPB")
    finance = Department.objects.create(code="finance", name="市财政局", name_en="Finance Bureau")
    team = Body.objects.create(
        code="leading-team", kind="leading_team", name="领导小组", name_en="Leading team"
    )
    office = Body.objects.create(
        code="office", kind="office", name="办公室", name_en="Programme office", parent=team
    )
    meeting = Meeting.objects.create(
        body=office, date=datetime.date(2001, 10, 1), title="例会", decisions="第一\n第二"
    )
    tasks = {
        "late": Task.objects.create(
            meeting=meeting,
            text="汇总排污申报",
            department=epb,
            due_date=TODAY - datetime.timedelta(days=3),
        ),
        "soon": Task.objects.create(
            meeting=meeting,
            text="核实监测数据",
            department=epb,
            due_date=TODAY + datetime.timedelta(days=4),
        ),
        "later": Task.objects.create(
            meeting=meeting,
            text="编制资金预算",
            department=finance,
            due_date=TODAY + datetime.timedelta(days=40),
        ),
    }
    return {
        "epb": epb,
        "finance": finance,
        "team": team,
        "office": office,
        "meeting": meeting,
        "tasks": tasks,
    }


@pytest.fixture
def place(db):
    """place(user, department, language="") puts `user` in `department`."""

    def put(user, department, language: str = ""):
        UserProfile.objects.update_or_create(
            user=user, defaults={"department": department, "language": language}
        )
        if hasattr(user, "_programme_department"):
            del user._programme_department
        return user

    return put


def seat(body, name="张三", role="member", start=datetime.date(2000, 1, 1), **fields) -> Member:
    return Member.objects.create(body=body, person_name=name, role=role, term_start=start, **fields)
