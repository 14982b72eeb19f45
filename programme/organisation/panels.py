"""The department page's panel of the programme's organisation: who works there, its seats on
the leading team and the office, and its open tasks (registered with targets' panel hook)."""

from benxi_cp import clock
from benxi_cp.panels import Panel
from programme.models import Member, Task, UserProfile
from programme.organisation.queries import department_of
from targets.panels import PAGE as DEPARTMENT_PAGE


def organisation_panel(request, department):
    user = request.user
    today = clock.today()
    may_see_tasks = user.has_perm("programme.view_task") and (
        user.has_perm("programme.view_all_tasks") or department_of(user) == department
    )
    staff = (
        list(
            UserProfile.objects.filter(department=department, user__is_active=True)
            .select_related("user")
            .order_by("user__username")
        )
        if user.has_perm("programme.view_userprofile")
        else []
    )
    seats = (
        list(
            Member.objects.current(today)
            .filter(department=department)
            .select_related("body")
            .order_by("body", "role", "person_name")
        )
        if user.has_perm("programme.view_member")
        else []
    )
    tasks = (
        list(
            Task.objects.open()
            .filter(department=department)
            .select_related("meeting__body")
            .order_by("due_date", "pk")
        )
        if may_see_tasks
        else []
    )
    seated = {seat.user_id for seat in seats if seat.user_id}
    staff = [profile for profile in staff if profile.user_id not in seated]  # listed once
    if not (staff or seats or may_see_tasks):
        return None
    return "programme/panel_department.html", {
        "department": department,
        "staff": staff,
        "seats": seats,
        "tasks": tasks,
        "may_see_tasks": may_see_tasks,
        "overdue_count": sum(1 for task in tasks if task.due_date < today),
        "today": today,
        "is_own": department_of(user) == department,
    }


# Registered by the app's ready() (registry.panels).
PANELS = (Panel(DEPARTMENT_PAGE, organisation_panel, order=10),)
