"""The work-queue source of open tasks: the owner department's staff get theirs, the programme
office every open task, with due dates; overdue shows as overdue."""

import datetime

import pytest

from benxi_cp import worklist
from programme.organisation.worklist import KIND, open_tasks
from tests.programme.organisation_builders import TODAY


@pytest.mark.django_db
def test_the_source_is_registered():
    assert worklist.sources()[KIND] is open_tasks


@pytest.mark.django_db
def test_a_department_gets_its_own_open_tasks(org, place, make_user):
    clerk = place(make_user("epb_staff"), org["epb"])
    items = worklist.items_for(clerk, TODAY, kinds={KIND})
    assert [item.title for item in items] == ["Task: 汇总排污申报", "Task: 核实监测数据"]
    late, soon = items
    assert late.is_overdue(TODAY) and not soon.is_overdue(TODAY)
    assert late.due == org["tasks"]["late"].due_date
    assert late.url == org["tasks"]["late"].get_absolute_url()
    assert "市环境保护局" in late.detail or "EPB" in late.detail
    assert [i.title for i in worklist.overdue_for(clerk, TODAY) if i.kind == KIND] == [
        "Task: 汇总排污申报"
    ]
    # done and cancelled tasks leave the queue
    task = org["tasks"]["late"]
    task.status, task.done_date = "done", TODAY
    task.save()
    org["tasks"]["soon"].status = "cancelled"
    org["tasks"]["soon"].save()
    assert open_tasks(clerk, TODAY) == []


@pytest.mark.django_db
def test_the_queue_counts_every_task_and_shows_the_first(org, place, make_user):
    from programme.models import Task

    for i in range(worklist.LIMIT + 5):
        Task.objects.create(
            text=f"任务{i}", department=org["epb"], due_date=TODAY - datetime.timedelta(days=1)
        )
    clerk = place(make_user("epb_staff"), org["epb"])
    batch = open_tasks(clerk, TODAY)
    assert len(batch) == worklist.LIMIT and batch.total == worklist.LIMIT + 7
    assert batch.overdue == worklist.LIMIT + 6
    assert batch.more_url == "/programme/tasks/?status=open&department=epb"
    (group,) = worklist.groups_for(clerk, TODAY, kinds={KIND})
    assert group.total == worklist.LIMIT + 7 and group.overdue == worklist.LIMIT + 6


@pytest.mark.django_db
def test_the_programme_office_gets_every_open_task(org, make_user):
    items = open_tasks(make_user("administrator"), TODAY)
    assert {item.title for item in items} == {
        "Task: 汇总排污申报",
        "Task: 核实监测数据",
        "Task: 编制资金预算",
    }


@pytest.mark.django_db
def test_without_a_department_or_a_role_nothing_is_waiting(org, place, make_user):
    assert open_tasks(make_user("epb_staff"), TODAY) is None
    assert open_tasks(make_user("leadership"), TODAY) is None  # reads all, does none
    nobody = place(make_user(None), org["epb"])  # a department but no role
    assert open_tasks(nobody, TODAY) is None
    assert worklist.groups_for(nobody, TODAY, kinds={KIND}) == []


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield
