"""Plain functions about the programme's organisation: a user's department, and what a
department has waiting."""

import datetime

from django.db.models import Case, Q, Value, When

from benxi_cp import clock
from targets.models import Department


def department_of(user) -> Department | None:
    """The department `user` works in: the one their staff profile names, else the
    department of a current seat of theirs on a body; None when neither says."""
    if user is None or not user.is_authenticated:
        return None
    cached = getattr(user, "_programme_department", False)
    if cached is not False:
        return cached
    today = clock.today()
    seat = Q(
        body_members__user=user,
        body_members__term_start__lte=today,
    ) & (Q(body_members__term_end__isnull=True) | Q(body_members__term_end__gte=today))
    # One query: the profile's department first, else the latest current seat's.
    department = (
        Department.objects.filter(Q(staff__user=user) | seat)
        .annotate(from_profile=Case(When(staff__user=user, then=Value(0)), default=Value(1)))
        .order_by("from_profile", "-body_members__term_start", "code")
        .first()
    )
    user._programme_department = department  # asked again within one request: no query
    return department


def is_programme_office(user) -> bool:
    """Whether `user` runs every department's tasks (the programme office): their work queue
    holds every open task, not only their department's."""
    return user.is_authenticated and user.has_perm("programme.change_task")


def week_start(day: datetime.date | None = None) -> datetime.date:
    """The Monday of the week of `day`."""
    day = day or clock.today()
    return day - datetime.timedelta(days=day.weekday())
