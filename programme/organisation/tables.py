import django_tables2 as tables
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from benxi_cp import clock
from programme.models import Body, Meeting, Member, Task, UserProfile

TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}
DATE = "Y-m-d"


class BodyTable(tables.Table):
    code = tables.Column(linkify=True)
    name = tables.Column(
        verbose_name=capfirst(_("name")),
        accessor="display_name",
        linkify=True,
        order_by=("name",),
    )
    parent = tables.Column(linkify=True)
    established = tables.DateColumn(format=DATE)
    members = tables.Column(
        verbose_name=_("current members"),
        accessor="current_members",
        attrs={"td": {"class": "text-end"}},
    )

    class Meta:
        model = Body
        attrs = TABLE_ATTRS
        fields = ("code", "kind", "name", "parent", "established")
        order_by = "code"

    def value_name(self, record) -> str:
        return record.name


class MemberTable(tables.Table):
    person_name = tables.Column(linkify=True, attrs={"td": {"class": "text-nowrap"}})
    role = tables.Column(attrs={"td": {"class": "text-nowrap"}})
    body = tables.Column(linkify=True)
    department = tables.Column(linkify=True)
    user = tables.Column(verbose_name=_("user account"), accessor="user__username")
    current = tables.Column(verbose_name=_("current"), empty_values=(), orderable=False)
    term_start = tables.DateColumn(format=DATE, attrs={"td": {"class": "text-nowrap"}})
    term_end = tables.DateColumn(format=DATE, attrs={"td": {"class": "text-nowrap"}})

    class Meta:
        model = Member
        attrs = TABLE_ATTRS
        fields = (
            "person_name",
            "position",
            "body",
            "role",
            "department",
            "user",
            "term_start",
            "term_end",
        )
        sequence = (*fields, "current")
        # unordered: the view's queryset gives each body's members by the roles' rank

    def __init__(self, *args, today=None, **kwargs):
        self.today = today or clock.today()
        super().__init__(*args, **kwargs)

    def render_current(self, record):
        if record.is_current(self.today):
            return format_html('<span class="badge text-bg-success">{}</span>', _("current"))
        return "—"

    def value_current(self, record):
        return "yes" if record.is_current(self.today) else "no"

    def value_body(self, record):
        return record.body.code

    def value_department(self, record):
        return record.department.code if record.department else ""


class MeetingTable(tables.Table):
    date = tables.DateColumn(format=DATE, linkify=True, attrs={"td": {"class": "text-nowrap"}})
    title = tables.Column(linkify=True)
    body = tables.Column(linkify=True)
    tasks = tables.Column(
        verbose_name=_("tasks"), accessor="task_count", attrs={"td": {"class": "text-end"}}
    )
    open_tasks = tables.Column(
        verbose_name=_("open tasks"),
        accessor="open_task_count",
        attrs={"td": {"class": "text-end"}},
    )

    class Meta:
        model = Meeting
        attrs = TABLE_ATTRS
        fields = ("date", "body", "title", "place")
        order_by = "-date"


STATUS_BADGES = {
    "open": "text-bg-primary",
    "done": "text-bg-success",
    "cancelled": "text-bg-secondary",
}


class StatusColumn(tables.Column):
    """The status as a badge; an open task past its due date shows as overdue."""

    def render(self, record, value):
        if record.is_overdue():
            return format_html(
                '<span class="badge text-bg-danger task-overdue">{}</span>', _("Overdue")
            )
        return format_html(
            '<span class="badge {} task-{}">{}</span>',
            STATUS_BADGES.get(record.status, "text-bg-light"),
            record.status,
            value,
        )

    def value(self, record, value):
        return record.status


class TaskTable(tables.Table):
    id = tables.Column(verbose_name=_("no."), linkify=True, attrs={"th": {"class": "text-nowrap"}})
    text = tables.Column(linkify=True, attrs={"td": {"class": "text-wrap task-text"}})
    department = tables.Column(linkify=True)
    meeting = tables.Column(linkify=True)
    due_date = tables.DateColumn(format=DATE, attrs={"td": {"class": "text-nowrap"}})
    status = StatusColumn(attrs={"td": {"class": "text-nowrap"}})
    done_date = tables.DateColumn(format=DATE, attrs={"td": {"class": "text-nowrap"}})

    class Meta:
        model = Task
        attrs = TABLE_ATTRS
        fields = ("id", "text", "department", "due_date", "status", "done_date", "meeting")
        # unordered: the view's queryset puts the open tasks first, the soonest due first

    def render_text(self, record):
        return str(record)

    def value_text(self, record):
        return record.text

    def value_department(self, record):
        return record.department.code

    def value_meeting(self, record):
        return str(record.meeting) if record.meeting else ""


class UserProfileTable(tables.Table):
    user = tables.Column(verbose_name=_("user"), accessor="user__username")
    name = tables.Column(verbose_name=pgettext_lazy("person", "name"), accessor="user__first_name")
    department = tables.Column(linkify=True)
    edit = tables.Column(
        verbose_name="", empty_values=(), orderable=False, exclude_from_export=True
    )

    class Meta:
        model = UserProfile
        attrs = TABLE_ATTRS
        fields = ("user", "name", "department", "language")
        order_by = "user"

    def render_edit(self, record):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), _("Edit"))
