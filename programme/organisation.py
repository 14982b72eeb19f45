"""Plain functions about the programme's organisation: a user's department, and what a
department has waiting."""

import datetime

from django.utils import timezone

from targets.models import Department


def department_of(user) -> Department | None:
    """The department `user` works in: the one their staff profile names, else the
    department of a current seat of theirs on a body; None when neither says."""
    if user is None or not user.is_authenticated:
        return None
    cached = getattr(user, "_programme_department", False)
    if cached is not False:
        return cached
    from programme.models import Member, UserProfile

    profile = (
        UserProfile.objects.filter(user=user, department__isnull=False)
        .select_related("department")
        .first()
    )
    department = profile.department if profile else None
    if department is None:
        seat = (
            Member.objects.current()
            .filter(user=user, department__isnull=False)
            .select_related("department")
            .order_by("-term_start")
            .first()
        )
        department = seat.department if seat else None
    user._programme_department = department  # asked again within one request: no query
    return department


def is_programme_office(user) -> bool:
    """Whether `user` runs every department's tasks (the programme office): their work queue
    holds every open task, not only their department's."""
    return user.is_authenticated and user.has_perm("programme.change_task")


def week_start(day: datetime.date | None = None) -> datetime.date:
    """The Monday of the week of `day`."""
    day = day or timezone.localdate()
    return day - datetime.timedelta(days=day.weekday())
