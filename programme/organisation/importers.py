"""Importers of the programme's organisation: members of bodies, and tasks
(docs/formats/members.md, docs/formats/tasks.md)."""

from collections.abc import Iterable

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benxi_cp.fields import CodedChoiceField
from benxi_cp.importers import CREATED, UPDATED, Importer, RowInvalid, form_problems
from programme.models import Body, Meeting, Member, Task
from programme.organisation.choices import MemberRole, TaskStatus
from targets.models import Department


class _CodeField(forms.ModelChoiceField):
    """A record named by its code; an unknown code says which codes there are."""

    def __init__(self, queryset, to_field_name: str = "code", **kwargs):
        super().__init__(queryset, to_field_name=to_field_name, **kwargs)
        self.error_messages["invalid_choice"] = gettext_lazy("unknown code “%(value)s”")

    def clean(self, value):
        try:
            return super().clean(value)
        except forms.ValidationError as error:
            if error.code == "invalid_choice":
                raise forms.ValidationError(
                    _("unknown code “%(value)s”") % {"value": value}, code="invalid_choice"
                ) from None
            raise


class MemberImportForm(forms.ModelForm):
    body = _CodeField(Body.objects.all())
    department = _CodeField(Department.objects.all(), required=False)
    role = CodedChoiceField(choices_class=MemberRole)
    user = forms.ModelChoiceField(
        get_user_model().objects.all(), to_field_name="username", required=False
    )

    class Meta:
        model = Member
        fields = [
            "body",
            "person_name",
            "position",
            "role",
            "department",
            "user",
            "term_start",
            "term_end",
        ]


class MemberImporter(Importer):
    """docs/formats/members.md: one row per seat; the same body, name, role and term start
    update that seat."""

    kind = "members"
    label = gettext_lazy("members of the leading team and the office")
    permissions = ("programme.add_member", "programme.change_member")
    columns = {
        "body": True,
        "person_name": True,
        "role": True,
        "term_start": True,
        "term_end": False,
        "position": False,
        "department": False,
        "username": False,
    }

    def cell_fields(self) -> dict[str, forms.Field]:
        return {"role": MemberImportForm.base_fields["role"]}

    def prepare(self, rows: Iterable[dict[str, str]]) -> None:
        self.existing = {
            (m.body.code, m.person_name, m.role, m.term_start.isoformat()): m
            for m in Member.objects.select_related("body")
        }
        self.seen: dict[tuple, int] = {}

    def _key(self, data: dict[str, str]) -> tuple | None:
        """The seat a row names (body, name, role, term start), or None if it names none."""
        try:
            role = MemberImportForm.base_fields["role"].clean(data.get("role", ""))
            start = forms.DateField().clean(data.get("term_start", ""))
        except forms.ValidationError:
            return None  # the form says what is wrong
        return (data.get("body", ""), data.get("person_name", ""), role, start.isoformat())

    def import_row(self, number: int, values: dict[str, str]) -> tuple[str, str]:
        data = {name: value.strip() for name, value in values.items()}
        data["user"] = data.pop("username", "")
        key = self._key(data)
        if key is not None and key in self.seen:
            raise RowInvalid(
                [("", _("duplicate of row %(row)s in this file") % {"row": self.seen[key]})]
            )
        if key is not None:
            self.seen[key] = number
        instance = self.existing.get(key)
        form = MemberImportForm(data=data, instance=instance)
        if instance is not None:
            # Columns the file leaves out keep their stored values on update.
            for name in list(form.fields):
                if ("username" if name == "user" else name) not in self.header:
                    del form.fields[name]
        if not form.is_valid():
            problems = form_problems(form)
            raise RowInvalid([("username" if c == "user" else c, m) for c, m in problems])
        member = form.save(commit=False)
        member.stamp(self.user)
        member.save()
        return (UPDATED if instance else CREATED), str(member)


class TaskImportForm(forms.ModelForm):
    department = _CodeField(Department.objects.all())
    status = CodedChoiceField(choices_class=TaskStatus, required=False)

    class Meta:
        model = Task
        fields = ["text", "department", "due_date", "status", "done_date", "note"]

    def clean_status(self) -> str:
        return self.cleaned_data["status"] or TaskStatus.OPEN


class TaskImporter(Importer):
    """docs/formats/tasks.md: one row per task; a row with an `id` updates that task, one
    without creates a task (given by the meeting of `body` on `meeting_date`, if named)."""

    kind = "tasks"
    label = gettext_lazy("tasks")
    permissions = ("programme.add_task", "programme.change_task")
    columns = {
        "id": False,
        "body": False,
        "meeting_date": False,
        "text": True,
        "department": True,
        "due_date": True,
        "status": False,
        "done_date": False,
        "note": False,
    }

    def cell_fields(self) -> dict[str, forms.Field]:
        return {"status": TaskImportForm.base_fields["status"]}

    def prepare(self, rows: Iterable[dict[str, str]]) -> None:
        ids = {values.get("id", "").strip() for values in rows} - {""}
        self.existing = Task.objects.in_bulk([int(i) for i in ids if i.isdigit()])
        self.bodies = {body.code: body for body in Body.objects.all()}
        self.meetings: dict[tuple, list[Meeting]] = {}
        for meeting in Meeting.objects.select_related("body"):
            self.meetings.setdefault((meeting.body.code, meeting.date.isoformat()), []).append(
                meeting
            )
        self.seen: dict[int, int] = {}

    def _meeting(self, data: dict[str, str]) -> Meeting | None:
        body, day = data.get("body", ""), data.get("meeting_date", "")
        if not body and not day:
            return None
        problems = []
        if not body:
            problems.append(("body", _("name the body whose meeting it was")))
        elif body not in self.bodies:
            problems.append(("body", _("unknown code “%(value)s”") % {"value": body}))
        if not day:
            problems.append(("meeting_date", _("give the date of the meeting")))
        if problems:
            raise RowInvalid(problems)
        found = self.meetings.get((body, day), [])
        if not found:
            raise RowInvalid(
                [
                    (
                        "meeting_date",
                        _("no meeting of %(body)s on %(date)s") % {"body": body, "date": day},
                    )
                ]
            )
        if len(found) > 1:
            raise RowInvalid(
                [
                    (
                        "meeting_date",
                        _("%(body)s met more than once on %(date)s") % {"body": body, "date": day},
                    )
                ]
            )
        return found[0]

    def import_row(self, number: int, values: dict[str, str]) -> tuple[str, str]:
        data = {name: value.strip() for name, value in values.items()}
        instance = None
        if data.get("id"):
            if not data["id"].isdigit() or int(data["id"]) not in self.existing:
                raise RowInvalid(
                    [("id", _("no task has the number “%(value)s”") % {"value": data["id"]})]
                )
            task_id = int(data["id"])
            if task_id in self.seen:
                raise RowInvalid(
                    [
                        (
                            "id",
                            _("duplicate of row %(row)s in this file")
                            % {"row": self.seen[task_id]},
                        )
                    ]
                )
            self.seen[task_id] = number
            instance = self.existing[task_id]
        meeting = self._meeting(data)
        form = TaskImportForm(data=data, instance=instance)
        if not form.is_valid():
            raise RowInvalid(form_problems(form))
        task = form.save(commit=False)
        if meeting is not None or instance is None:
            task.meeting = meeting
        if task.meeting is not None and task.done_date and task.done_date < task.meeting.date:
            raise RowInvalid([("done_date", _("a task cannot be done before its meeting"))])
        task.stamp(self.user)
        task.save()
        return (UPDATED if instance else CREATED), str(task)
