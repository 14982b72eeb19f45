"""The organisation's pages: who may open which, recording a meeting with its tasks, the
department page's panel, marking a task done, exports, history, and what the lists cost."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from programme.models import Body, Meeting, Task
from tests.fixtures import ALL_ROLES
from tests.programme.organisation_builders import seat

ADMIN = "administrator"


def pages(o) -> dict[str, tuple[str, set[str]]]:
    """Each GET page and the roles that may open it."""
    every = set(ALL_ROLES)
    meeting, task = o["meeting"], o["tasks"]["later"]
    member = o["member"]
    return {
        "bodies": (reverse("programme:bodies"), every),
        "bodies csv": (reverse("programme:bodies") + "?_export=csv", every),
        "body": (reverse("programme:body", args=["office"]), every),
        "body create": (reverse("programme:body_create"), {ADMIN}),
        "body edit": (reverse("programme:body_edit", args=["office"]), {ADMIN}),
        "body history": (reverse("programme:history", args=["body", "office"]), every),
        "members": (reverse("programme:members"), every),
        "member": (reverse("programme:member", args=[member.pk]), every),
        "member create": (reverse("programme:member_create"), {ADMIN}),
        "member edit": (reverse("programme:member_edit", args=[member.pk]), {ADMIN}),
        "meetings": (reverse("programme:meetings"), every),
        "meeting": (meeting.get_absolute_url(), every),
        "meeting create": (reverse("programme:meeting_create"), {ADMIN}),
        "meeting edit": (reverse("programme:meeting_edit", args=[meeting.pk]), {ADMIN}),
        "meeting task": (reverse("programme:meeting_task_create", args=[meeting.pk]), {ADMIN}),
        "tasks": (reverse("programme:tasks"), every),
        "tasks xlsx": (reverse("programme:tasks") + "?_export=xlsx", every),
        # finance's task: the office and the leading team see every task; the others are in
        # no department here, and get a 404 (below)
        "task": (task.get_absolute_url(), {ADMIN, "leadership"}),
        "task create": (reverse("programme:task_create"), {ADMIN}),
        "task edit": (reverse("programme:task_edit", args=[task.pk]), {ADMIN}),
        "staff": (reverse("programme:staff"), every),
        "staff create": (reverse("programme:staff_create"), {ADMIN}),
    }


@pytest.fixture
def o(org):
    org["member"] = seat(org["team"], "高振华", "leader", department=org["finance"])
    return org


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_log_in(client, o):
    for name, (url, _roles) in pages(o).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_each_role_gets_exactly_what_it_may(client_as, o, role):
    client = client_as(role)
    for name, (url, roles) in pages(o).items():
        status = client.get(url).status_code
        if name == "task" and role not in roles:
            assert status == 404, (role, name)  # another department's task: not there
        else:
            assert status == (200 if role in roles else 403), (role, name)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["epb_staff", "auditor", "leadership"])
def test_read_only_roles_cannot_write_by_posting(client_as, o, place, role):
    client = client_as(role)
    meeting = o["meeting"]
    posts = [
        (reverse("programme:body_create"), {"code": "x", "kind": "office", "name": "x"}),
        (reverse("programme:body_edit", args=["office"]), {"code": "office", "name": "改"}),
        (reverse("programme:member_create"), {"person_name": "x"}),
        (reverse("programme:meeting_create"), {"body": o["office"].pk, "date": "2001-01-01"}),
        (reverse("programme:meeting_edit", args=[meeting.pk]), {"date": "2001-01-01"}),
        (reverse("programme:meeting_task_create", args=[meeting.pk]), {"text": "x"}),
        (reverse("programme:task_create"), {"text": "x"}),
        (reverse("programme:staff_create"), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert Body.objects.count() == 2 and Meeting.objects.count() == 1 and Task.objects.count() == 3
    assert Body.objects.get(code="office").name == "办公室"


@pytest.mark.django_db
def test_the_office_records_a_meeting_and_assigns_a_task(client_as, o):
    client = client_as(ADMIN)
    response = client.post(
        reverse("programme:meeting_create"),
        {
            "body": o["team"].pk,
            "date": "2001-11-02",
            "title": "2001年第二次全体会议",
            "place": "市政府",
            "minutes": "听取汇报。",
            "decisions": "设立专项资金\n年底前完成审核验收",
            "version": "0",
        },
    )
    meeting = Meeting.objects.get(title="2001年第二次全体会议")
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert meeting.created_by.username == "administrator-user"
    url = reverse("programme:meeting_task_create", args=[meeting.pk])
    task = {"text": "拨付专项资金", "department": o["finance"].pk, "due_date": "2001-12-31"}
    # done, but without the date it was done: the database's rule, as a message
    response = client.post(url, task | {"status": "done", "version": "0"})
    assert response.status_code == 200
    assert "已完成的任务须填写完成日期。" in response.content.decode()
    # done before the meeting
    response = client.post(url, task | {"status": "done", "done_date": "2001-11-01"})
    assert "任务的完成日期不能早于布置它的会议。" in response.content.decode()
    response = client.post(url, task | {"status": "open", "version": "0"})
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    created = Task.objects.get(text="拨付专项资金")
    assert created.meeting == meeting and created.department == o["finance"]
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "拨付专项资金" in page and "<li>设立专项资金</li>" in page
    # ... and finance's page lists it among its open tasks
    page = client.get(o["finance"].get_absolute_url()).content.decode()
    assert 'id="department-tasks"' in page and "拨付专项资金" in page


@pytest.mark.django_db
def test_the_department_page_shows_members_staff_and_open_tasks(client_as, o, place, make_user):
    client = client_as("epb_staff")
    clerk = o["clerk"] = make_user("epb_staff", "wang")
    clerk.first_name = "王芳"
    clerk.save()
    place(clerk, o["epb"])
    seat(o["office"], "吴国庆", "deputy_director", department=o["epb"])
    page = client.get(o["epb"].get_absolute_url()).content.decode()
    assert 'id="panel-organisation"' in page and "吴国庆" in page and "王芳" in page
    # the EPB user is in no department: they see the members, not the tasks
    assert 'id="department-tasks"' not in page
    client.force_login(clerk)
    page = client.get(o["epb"].get_absolute_url()).content.decode()
    assert "汇总排污申报" in page and "核实监测数据" in page and "编制资金预算" not in page
    assert "your department" in page.lower() or "您的部门" in page
    # finance's page shows them no tasks of finance's
    page = client.get(o["finance"].get_absolute_url()).content.decode()
    assert "编制资金预算" not in page


@pytest.mark.django_db
def test_a_department_marks_its_own_task_done(client, o, place, make_user):
    clerk = place(make_user("epb_staff"), o["epb"])
    client.force_login(clerk)
    task = o["tasks"]["late"]
    page = client.get(task.get_absolute_url()).content.decode()
    assert 'id="task-done-button"' in page
    response = client.post(
        reverse("programme:task_done", args=[task.pk]),
        {"note": "已报送", "version": str(task.version)},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "done" and task.done_date == timezone.localdate()
    assert task.note == "已报送" and task.updated_by == clerk
    # done already: nothing more to mark
    again = client.post(reverse("programme:task_done", args=[task.pk]))
    assert again.status_code == 403
    # another department's task: not there for them
    other = o["tasks"]["later"]
    assert client.post(reverse("programme:task_done", args=[other.pk])).status_code == 404
    # the leading team sees it but does not do it
    client.force_login(make_user("leadership"))
    assert client.post(reverse("programme:task_done", args=[other.pk])).status_code == 403
    other.refresh_from_db()
    assert other.status == "open"


@pytest.mark.django_db
def test_a_stale_done_is_refused(client, o, place, make_user):
    client.force_login(make_user(ADMIN))
    task = o["tasks"]["late"]
    read = task.version
    task.note = "someone else"
    task.save()
    client.post(reverse("programme:task_done", args=[task.pk]), {"version": str(read)})
    task.refresh_from_db()
    assert task.status == "open"


@pytest.mark.django_db
def test_the_task_list_shows_overdue_and_filters(client_as, o):
    client = client_as("leadership")
    page = client.get(reverse("programme:tasks")).content.decode()
    assert "task-overdue" in page  # the EPB's overdue task (its due date is long past)
    response = client.get(reverse("programme:tasks"), {"department": "finance"})
    assert [t.text for t in response.context["table"].data] == ["编制资金预算"]
    response = client.get(reverse("programme:tasks"), {"overdue": "true"})
    texts = {t.text for t in response.context["table"].data}
    assert texts == {"汇总排污申报", "核实监测数据", "编制资金预算"} - {
        t.text for t in Task.objects.filter(due_date__gte=timezone.localdate())
    }


@pytest.mark.django_db
def test_the_lists_export_tasks_and_members(client_as, o):
    client = client_as(ADMIN)
    response = client.get(reverse("programme:tasks"), {"_export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    body = {row[1]: row for row in rows[1:]}
    assert "汇总排污申报" in body and body["汇总排污申报"][2] == "epb"
    assert body["汇总排污申报"][4] == "open"
    response = client.get(reverse("programme:members"), {"_export": "xlsx"})
    content = (
        response.content if hasattr(response, "content") else b"".join(response.streaming_content)
    )
    sheet = load_workbook(io.BytesIO(content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert any("高振华" in row and "finance" in row for row in values)


@pytest.mark.django_db
def test_the_member_list_filters_current_and_past(client_as, o):
    seat(
        o["team"],
        "周海涛",
        "leader",
        datetime.date(1994, 5, 1),
        term_end=datetime.date(2000, 12, 31),
    )
    client = client_as("auditor")
    current = client.get(reverse("programme:members"), {"term": "current"}).context["table"].data
    past = client.get(reverse("programme:members"), {"term": "past"}).context["table"].data
    assert [m.person_name for m in current] == ["高振华"]
    assert [m.person_name for m in past] == ["周海涛"]


@pytest.mark.django_db
def test_the_history_page_shows_who_changed_what(client_as, o, make_user):
    client = client_as(ADMIN)
    meeting = o["meeting"]
    client.post(
        reverse("programme:meeting_edit", args=[meeting.pk]),
        {
            "body": o["office"].pk,
            "date": "2001-10-01",
            "title": "第四季度例会",
            "version": str(meeting.version),
        },
    )
    page = client.get(reverse("programme:history", args=["meeting", meeting.pk])).content.decode()
    assert "<del>例会</del> → 第四季度例会" in page
    assert client.get(reverse("programme:history", args=["nothing", 1])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 30])
def test_the_lists_run_a_fixed_number_of_queries(client_as, django_assert_num_queries, o, size):
    for i in range(size):
        meeting = Meeting.objects.create(body=o["team"], date=datetime.date(2000, 1, 1 + i % 28))
        Task.objects.create(
            meeting=meeting,
            text=f"任务{i}",
            department=o["epb"],
            due_date=datetime.date(2002, 1, 1),
        )
        seat(o["team"], f"成员{i}", department=o["epb"])
    client = client_as("leadership")
    client.get(reverse("home"))  # the session exists
    # session, user, groups (menu), user perms, group perms, demo flag, departments and
    # bodies of the filter, count, the page of tasks with departments and meetings' bodies
    with django_assert_num_queries(10):
        client.get(reverse("programme:tasks"))
    # session, user, groups, user perms, group perms, demo flag, bodies and departments of
    # the filter, count, the page of members with bodies, departments and users
    with django_assert_num_queries(10):
        client.get(reverse("programme:members"))
    # session, user, groups, user perms, group perms, demo flag, bodies of the filter, count,
    # the page of meetings with bodies and their task counts
    with django_assert_num_queries(9):
        client.get(reverse("programme:meetings"))
    # session, user, groups, user perms, group perms, demo flag, count, the page of bodies
    # with parents and current member counts
    with django_assert_num_queries(8):
        client.get(reverse("programme:bodies"))


@pytest.mark.django_db
def test_the_staff_list_offers_edits_to_the_office_only(client_as, o, place, make_user):
    profile_user = place(make_user("epb_staff", "wang"), o["epb"])
    edit = reverse("programme:staff_edit", args=[profile_user.programme_profile.pk])
    assert edit in client_as(ADMIN).get(reverse("programme:staff")).content.decode()
    page = client_as("leadership").get(reverse("programme:staff")).content.decode()
    assert "wang" in page and edit not in page
    assert client_as("leadership").get(edit).status_code == 403
