"""Pages of the programme's organisation: bodies and their members, meetings with their
decisions and tasks, the departments' staff, and each record's history. Tasks are fetched
through `Task.objects.for_user`, so a task the user may not see is a 404 everywhere."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, Q, Value, When
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from benxi_cp import clock, history, refusals
from benxi_cp.models import EditConflict
from benxi_cp.views import ObjectCreateView, ObjectDetailView, ObjectListView, ObjectUpdateView
from programme.models import Body, Meeting, Member, Task, UserProfile
from programme.organisation.choices import TaskStatus
from programme.organisation.filters import (
    BodyFilter,
    MeetingFilter,
    MemberFilter,
    TaskFilter,
    UserProfileFilter,
)
from programme.organisation.forms import (
    BodyForm,
    MeetingForm,
    MemberForm,
    TaskForm,
    UserProfileForm,
)
from programme.organisation.queries import department_of
from programme.organisation.tables import (
    BodyTable,
    MeetingTable,
    MemberTable,
    TaskTable,
    UserProfileTable,
)


class _ToObjectMixin:
    def get_success_url(self) -> str:
        return self.object.get_absolute_url()


# -- bodies -----------------------------------------------------------------------------------
def _bodies():
    today = clock.today()
    current = Q(members__term_start__lte=today) & (
        Q(members__term_end__isnull=True) | Q(members__term_end__gte=today)
    )
    return Body.objects.select_related("parent").annotate(
        current_members=Count("members", filter=current)
    )


class BodyListView(ObjectListView):
    permission_required = "programme.view_body"
    table_class = BodyTable
    filterset_class = BodyFilter
    title = gettext_lazy("Leading team and office")
    export_name = "bodies"
    create_url_name = "programme:body_create"
    create_permission = "programme.add_body"

    def get_queryset(self):
        return _bodies()


class BodyDetailView(ObjectDetailView):
    """A body: its remit, its current and past members and its latest meetings."""

    permission_required = "programme.view_body"
    queryset = Body.objects.select_related("parent", "updated_by")
    slug_field = "code"
    slug_url_kwarg = "code"
    template_name = "programme/body_detail.html"

    def get_context_data(self, **kwargs):
        user, today = self.request.user, clock.today()
        members = self.object.members.select_related("department", "user").by_rank()
        return super().get_context_data(
            title=self.object.display_name,
            current=list(members.current(today)),
            past=list(members.past(today).order_by("-term_end", "person_name")),
            meetings=list(
                self.object.meetings.annotate(
                    open_task_count=Count("tasks", filter=Q(tasks__status=TaskStatus.OPEN))
                )[:10]
            ),
            children=list(self.object.children.all()),
            may_edit=user.has_perm("programme.change_body"),
            may_add_member=user.has_perm("programme.add_member"),
            may_add_meeting=user.has_perm("programme.add_meeting"),
            **kwargs,
        )


class BodyCreateView(_ToObjectMixin, ObjectCreateView):
    permission_required = "programme.add_body"
    model = Body
    form_class = BodyForm
    title = gettext_lazy("New body")


class BodyUpdateView(_ToObjectMixin, ObjectUpdateView):
    permission_required = "programme.change_body"
    model = Body
    form_class = BodyForm
    slug_field = "code"
    slug_url_kwarg = "code"


# -- members ----------------------------------------------------------------------------------
class MemberListView(ObjectListView):
    permission_required = "programme.view_member"
    queryset = Member.objects.select_related("body", "department", "user").by_rank()
    table_class = MemberTable
    filterset_class = MemberFilter
    title = gettext_lazy("Members")
    export_name = "members"
    create_url_name = "programme:member_create"
    create_permission = "programme.add_member"
    import_kind = "members"


class MemberDetailView(ObjectDetailView):
    permission_required = "programme.view_member"
    queryset = Member.objects.select_related("body", "department", "user", "updated_by")
    template_name = "programme/member_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=self.object.person_name,
            current=self.object.is_current(),
            may_edit=self.request.user.has_perm("programme.change_member"),
            **kwargs,
        )


class MemberCreateView(_ToObjectMixin, ObjectCreateView):
    permission_required = "programme.add_member"
    model = Member
    form_class = MemberForm
    title = gettext_lazy("New member")

    def get_initial(self):
        initial = super().get_initial()
        body = Body.objects.filter(code=self.request.GET.get("body", "")).first()
        if body is not None:
            initial["body"] = body
        return initial


class MemberUpdateView(_ToObjectMixin, ObjectUpdateView):
    permission_required = "programme.change_member"
    model = Member
    form_class = MemberForm


# -- meetings ---------------------------------------------------------------------------------
class MeetingListView(ObjectListView):
    permission_required = "programme.view_meeting"
    queryset = Meeting.objects.select_related("body").annotate(
        task_count=Count("tasks"),
        open_task_count=Count("tasks", filter=Q(tasks__status=TaskStatus.OPEN)),
    )
    table_class = MeetingTable
    filterset_class = MeetingFilter
    title = gettext_lazy("Meetings")
    export_name = "meetings"
    create_url_name = "programme:meeting_create"
    create_permission = "programme.add_meeting"


class MeetingDetailView(ObjectDetailView):
    """A meeting: minutes, decisions, and the tasks it gave (those the user may see)."""

    permission_required = "programme.view_meeting"
    queryset = Meeting.objects.select_related("body", "updated_by")
    template_name = "programme/meeting_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        tasks = (
            Task.objects.for_user(user)
            .filter(meeting=self.object)
            .select_related("department")
            .order_by("due_date", "pk")
        )
        return super().get_context_data(
            title=str(self.object),
            tasks=list(tasks),
            today=clock.today(),
            may_edit=user.has_perm("programme.change_meeting"),
            may_add_task=user.has_perm("programme.add_task"),
            **kwargs,
        )


class MeetingCreateView(_ToObjectMixin, ObjectCreateView):
    permission_required = "programme.add_meeting"
    model = Meeting
    form_class = MeetingForm
    title = gettext_lazy("New meeting")

    def get_initial(self):
        initial = super().get_initial()
        body = Body.objects.filter(code=self.request.GET.get("body", "")).first()
        if body is not None:
            initial["body"] = body
        initial.setdefault("date", clock.today())
        return initial


class MeetingUpdateView(_ToObjectMixin, ObjectUpdateView):
    permission_required = "programme.change_meeting"
    model = Meeting
    form_class = MeetingForm


# -- tasks ------------------------------------------------------------------------------------
class TaskListView(ObjectListView):
    permission_required = "programme.view_task"
    table_class = TaskTable
    filterset_class = TaskFilter
    title = gettext_lazy("Tasks")
    export_name = "tasks"
    create_url_name = "programme:task_create"
    create_permission = "programme.add_task"
    import_kind = "tasks"

    def get_queryset(self):
        open_first = Case(When(status=TaskStatus.OPEN, then=Value(0)), default=Value(1))
        return (
            Task.objects.for_user(self.request.user)
            .select_related("department", "meeting__body")
            .order_by(open_first, "due_date", "pk")
        )


class TaskDetailView(ObjectDetailView):
    permission_required = "programme.view_task"
    template_name = "programme/task_detail.html"

    def get_queryset(self):
        return Task.objects.for_user(self.request.user).select_related(
            "department", "meeting__body", "updated_by"
        )

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            title=_("Task %(number)s") % {"number": self.object.pk},
            overdue=self.object.is_overdue(),
            today=clock.today(),
            may_edit=user.has_perm("programme.change_task"),
            may_complete=may_complete(user, self.object),
            **kwargs,
        )


class TaskCreateView(_ToObjectMixin, ObjectCreateView):
    permission_required = "programme.add_task"
    model = Task
    form_class = TaskForm
    title = gettext_lazy("New task")


class MeetingTaskCreateView(ObjectCreateView):
    """A task given by a meeting, added from the meeting's page."""

    permission_required = "programme.add_task"
    model = Task
    form_class = TaskForm

    def dispatch(self, request, *args, **kwargs):
        self.meeting = get_object_or_404(Meeting.objects.select_related("body"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["with_meeting"] = False
        kwargs["instance"] = Task(meeting=self.meeting)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("New task of %(meeting)s") % {"meeting": self.meeting}
        return context

    def get_success_url(self) -> str:
        return self.meeting.get_absolute_url()


class TaskUpdateView(_ToObjectMixin, ObjectUpdateView):
    permission_required = "programme.change_task"
    model = Task
    form_class = TaskForm

    def get_queryset(self):
        return Task.objects.for_user(self.request.user)


def may_complete(user, task: Task) -> bool:
    """Whether `user` may mark `task` done: the programme office any task, a department's
    staff their own department's."""
    if task.status != TaskStatus.OPEN:
        return False
    if user.has_perm("programme.change_task"):
        return True
    return user.has_perm("programme.complete_own_task") and department_of(user) == task.department


@require_POST
def task_done(request, pk: int):
    """Mark an open task done today (with an optional note of how)."""
    task = get_object_or_404(Task.objects.for_user(request.user), pk=pk)
    if not may_complete(request.user, task):
        raise PermissionDenied
    task.status = TaskStatus.DONE
    task.done_date = clock.today()
    note = request.POST.get("note", "").strip()
    if note:
        task.note = f"{task.note}\n{note}".strip() if task.note else note
    task.stamp(request.user)
    try:
        with transaction.atomic():
            task.expect_version(int(request.POST.get("version") or 0) or None)
            task.save()
    except EditConflict:
        messages.error(request, _("Someone else changed this task meanwhile; look again."))
        return redirect(task)
    except IntegrityError as error:
        messages.error(request, refusals.message(error, _("The database refused this change.")))
        return redirect(task)
    messages.success(request, _("The task is marked done."))
    return redirect(request.POST.get("next") or task.get_absolute_url())


# -- staff: which department each user works in ------------------------------------------------
class StaffListView(ObjectListView):
    permission_required = "programme.view_userprofile"
    queryset = UserProfile.objects.select_related("user", "department")
    table_class = UserProfileTable
    filterset_class = UserProfileFilter
    title = gettext_lazy("Departments' staff")
    export_name = "staff"
    create_url_name = "programme:staff_create"
    create_permission = "programme.add_userprofile"

    def get_table_kwargs(self):
        if self.request.user.has_perm("programme.change_userprofile"):
            return {}
        return {"exclude": ("edit",)}


class StaffCreateView(ObjectCreateView):
    permission_required = "programme.add_userprofile"
    model = UserProfile
    form_class = UserProfileForm
    title = gettext_lazy("Staff member's department")

    def get_success_url(self) -> str:
        return reverse("programme:staff")


class StaffUpdateView(ObjectUpdateView):
    permission_required = "programme.change_userprofile"
    model = UserProfile
    form_class = UserProfileForm
    queryset = UserProfile.objects.select_related("user")

    def get_success_url(self) -> str:
        return reverse("programme:staff")


# -- history ----------------------------------------------------------------------------------
class HistoryView(history.HistoryView):
    """The history of a body (by its code), a member, a meeting or a task."""

    kinds = {"body": Body, "member": Member, "meeting": Meeting, "task": Task}
    lookup = {Body: "code"}
