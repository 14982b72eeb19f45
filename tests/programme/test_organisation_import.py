"""Import of docs/formats/members.md and tasks.md: the samples, updates by key, every rule
refused with its row and column, all or nothing, and who may import."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from benxi_cp.importers import get_importer
from programme.models import Member, Task

MEMBER_HEADER = "body,person_name,role,term_start,term_end,position,department,username\n"
TASK_HEADER = "id,body,meeting_date,text,department,due_date,status,done_date,note\n"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def run(kind: str, text: str, dry_run: bool = False, user=None):
    return get_importer(kind)(user=user).run(text.encode("utf-8"), "f.csv", dry_run=dry_run)


def errors(result) -> list[str]:
    return [str(issue) for issue in result.errors]


@pytest.mark.django_db
def test_the_sample_files_import(org, formats_dir):
    for kind in ("members", "tasks"):
        result = run(kind, (formats_dir / f"{kind}.sample.csv").read_text(encoding="utf-8"))
        assert result.ok, (kind, errors(result))
        assert result.created == 1
    assert Member.objects.get(person_name="王立新").department.code == "finance"
    assert Task.objects.get(text="编制清洁生产专项资金管理办法").status == "open"


@pytest.mark.django_db
def test_members_import_and_a_closed_term_updates_the_seat(org, make_user):
    make_user("epb_staff", "wang")
    text = MEMBER_HEADER + (
        "leading-team,周海涛,leader,1994-05-01,,市长,,\n"
        "office,王芳,Deputy director,1998-01-01,,科长,epb,wang\n"
    )
    result = run("members", text)
    assert result.ok, errors(result)
    assert (result.created, result.updated) == (2, 0)
    wang = Member.objects.get(person_name="王芳")
    assert wang.role == "deputy_director" and wang.user.username == "wang"
    # the same seat with its term's end: an update, the other columns kept
    result = run("members", "body,person_name,role,term_start,term_end\n"
                 "leading-team,周海涛,leader,1994-05-01,2000-12-31\n")  # fmt: skip
    assert (result.created, result.updated) == (0, 1)
    mayor = Member.objects.get(person_name="周海涛")
    assert str(mayor.term_end) == "2000-12-31" and mayor.position == "市长"
    assert mayor.history.count() == 2


@pytest.mark.django_db
def test_members_errors_name_row_and_column_and_nothing_is_written(org):
    text = MEMBER_HEADER + (
        "leading-team,甲,member,2000-01-01,,,,\n"
        "nowhere,乙,member,2000-01-01,,,,\n"
        "office,丙,chairman,2000-01-01,,,,\n"
        "office,丁,member,2001-01-01,2000-01-01,,,\n"
        "office,戊,member,2000-01-01,,,mars,ghost\n"
        "leading-team,甲,member,2000-01-01,,,,\n"
    )
    result = run("members", text)
    found = errors(result)
    assert any(e.startswith("row 3, body:") for e in found), found
    assert any(e.startswith("row 4, role:") for e in found), found
    assert any(e.startswith("row 5") and "cannot end before it starts" in e for e in found), found
    assert any(e.startswith("row 6, department:") for e in found), found
    assert any(e.startswith("row 6, username:") for e in found), found
    assert any(e.startswith("row 7") and "duplicate of row 2" in e for e in found), found
    assert not Member.objects.exists()


@pytest.mark.django_db
def test_tasks_import_with_their_meetings_and_update_by_number(org):
    task = org["tasks"]["later"]
    text = TASK_HEADER + (
        ",office,2001-10-01,落实专项资金,finance,2001-12-31,,,\n"
        ",,,拟订条例草案,epb,2002-03-31,open,,\n"
        f"{task.pk},,,编制资金预算,finance,2001-12-20,done,2001-11-06,已完成\n"
    )
    result = run("tasks", text)
    assert result.ok, errors(result)
    assert (result.created, result.updated) == (2, 1)
    assert Task.objects.get(text="落实专项资金").meeting == org["meeting"]
    assert Task.objects.get(text="拟订条例草案").meeting is None
    task.refresh_from_db()
    assert task.status == "done" and str(task.done_date) == "2001-11-06"
    assert task.meeting == org["meeting"]  # kept: the row names no meeting


@pytest.mark.django_db
def test_tasks_errors(org):
    text = TASK_HEADER + (
        ",office,2001-10-02,甲,epb,2001-12-31,,,\n"  # no meeting that day
        ",office,,乙,epb,2001-12-31,,,\n"  # a body without the date
        ",,,丙,mars,2001-12-31,,,\n"  # unknown department
        ",,,丁,epb,2001-12-31,done,,\n"  # done without its date
        ",,,戊,epb,2001-12-31,open,2001-12-01,\n"  # open with a done date
        "99999,,,己,epb,2001-12-31,,,\n"  # no such task
        ",office,2001-10-01,庚,epb,2001-12-31,done,2001-09-01,\n"  # done before the meeting
        ",,,辛,epb,someday,,,\n"
    )
    found = errors(run("tasks", text))
    assert any(e.startswith("row 2, meeting_date:") for e in found), found
    assert any(e.startswith("row 3, meeting_date:") for e in found), found
    assert any(e.startswith("row 4, department:") for e in found), found
    assert any(e.startswith("row 5") and "needs the date it was done" in e for e in found), found
    assert any(e.startswith("row 6") and "An open task has no done date" in e for e in found)
    assert any(e.startswith("row 7, id:") for e in found), found
    assert any(e.startswith("row 8, done_date:") for e in found), found
    assert any(e.startswith("row 9, due_date:") for e in found), found
    assert Task.objects.count() == 3


@pytest.mark.django_db
def test_a_dry_run_writes_nothing_and_the_command_line_imports(org, tmp_path):
    text = TASK_HEADER + ",,,拟订条例草案,epb,2002-03-31,,,\n"
    result = run("tasks", text, dry_run=True)
    assert result.ok and result.created == 1 and Task.objects.count() == 3
    path = tmp_path / "tasks.csv"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("import_data", "tasks", str(path), stdout=out)
    assert "created 1" in out.getvalue() and Task.objects.count() == 4


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [("administrator", 200), ("epb_staff", 403), ("auditor", 403), ("leadership", 403)],
)
def test_only_the_programme_office_imports(client_as, org, role, status):
    client = client_as(role)
    for kind in ("members", "tasks"):
        assert client.get(reverse("import", args=[kind])).status_code == status
    page = client.get(reverse("programme:tasks")).content.decode()
    assert (reverse("import", args=["tasks"]) in page) == (status == 200)


@pytest.mark.django_db
def test_the_format_documents_are_pages(client_as):
    client = client_as("epb_staff")
    for name in ("members", "tasks"):
        assert client.get(reverse("format_document", args=[name])).status_code == 200
