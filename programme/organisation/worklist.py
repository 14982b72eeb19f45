"""Work items of the programme's organisation: open tasks, for their owner department's staff
(and every open task for the programme office). A fixed number of queries whatever the
length of the queue: the user's department, the counts, the first `worklist.LIMIT` tasks."""

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benxi_cp import worklist
from benxi_cp.worklist import Batch, WorkItem
from programme.models import Task
from programme.organisation.choices import TaskStatus
from programme.organisation.queries import department_of, is_programme_office

KIND = "programme.tasks"


def open_tasks(user, today: datetime.date) -> Batch | None:
    """The open tasks of the user's department (every open task for the programme office),
    the soonest due first; None for a user with neither a department nor the office's
    permission (the queue is not theirs)."""
    if not user.is_authenticated or not user.has_perm("programme.view_task"):
        return None
    tasks = Task.objects.open()
    query = {"status": TaskStatus.OPEN}
    if not is_programme_office(user):
        department = department_of(user)
        if department is None:
            return None
        tasks = tasks.filter(department=department)
        query["department"] = department.code
    counts = tasks.order_by().aggregate(
        total=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=today))
    )
    items = []
    first = tasks.select_related("department", "meeting__body").order_by("due_date", "pk")
    for task in first[: worklist.LIMIT]:
        detail = task.department.display_name
        if task.meeting is not None:
            detail = _("%(department)s · from %(meeting)s") % {
                "department": detail,
                "meeting": task.meeting,
            }
        items.append(
            WorkItem(
                kind=KIND,
                title=_("Task: %(task)s") % {"task": task},
                url=task.get_absolute_url(),
                due=task.due_date,
                detail=detail,
            )
        )
    return Batch(
        items,
        total=counts["total"],
        overdue=counts["overdue"],
        more_url=f"{reverse('programme:tasks')}?{urlencode(query)}",
    )


# Registered by the app's ready() (registry.worklist).
QUEUES = (
    worklist.Queue(
        KIND,
        open_tasks,
        label=gettext_lazy("Tasks from the leading team's and the office's meetings"),
        order=60,
        empty=gettext_lazy("No open task for your department."),
        note=gettext_lazy(
            "Your department's open tasks, the soonest due first; mark one done on its page."
        ),
        applies=lambda user: user.has_perm("programme.view_task"),
    ),
)
