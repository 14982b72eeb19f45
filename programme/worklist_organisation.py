"""Work items of the programme's organisation: open tasks, for their owner department's staff
(and every open task for the programme office)."""

import datetime

from django.utils.translation import gettext as _

from benxi_cp.worklist import WorkItem
from programme.models import Task
from programme.organisation import department_of, is_programme_office

KIND = "programme.tasks"


def open_tasks(user, today: datetime.date) -> list[WorkItem]:
    if not user.is_authenticated or not user.has_perm("programme.view_task"):
        return []
    tasks = Task.objects.open().select_related("department", "meeting__body")
    if not is_programme_office(user):
        department = department_of(user)
        if department is None:
            return []
        tasks = tasks.filter(department=department)
    items = []
    for task in tasks.order_by("due_date", "pk"):
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
    return items
