"""The EPB's work queue of enforcement cases (benxi_cp/worklist.py): every case not closed,
the most overdue rectification deadline first; a case past its deadline is overdue.

The source reads through `EnforcementCase.objects.for_user` and runs a fixed number of
queries whatever the length of the queue (the first `worklist.LIMIT` cases, and their
counts when there are more)."""

import datetime

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benxi_cp import worklist
from benxi_cp.worklist import Batch, WorkItem
from permits.filters import STILL_OPEN
from permits.models import EnforcementCase


def case_detail(case: EnforcementCase) -> str:
    if case.deadline:
        return _("%(status)s; rectify by %(deadline)s") % {
            "status": case.get_status_display(),
            "deadline": case.deadline.isoformat(),
        }
    return _("%(status)s since %(date)s; no notice served yet") % {
        "status": case.get_status_display(),
        "date": case.opened_on.isoformat(),
    }


def open_cases(user, today: datetime.date):
    """The cases not closed, overdue first, then by deadline; cases without a notice last."""
    cases = EnforcementCase.objects.for_user(user).still_open()
    first = list(
        cases.select_related("enterprise").order_by(
            F("deadline").asc(nulls_last=True), "opened_on", "pk"
        )[: worklist.LIMIT]
    )
    if len(first) < worklist.LIMIT:  # the whole queue: counted from its items
        counts = {
            "total": len(first),
            "overdue": sum(1 for case in first if case.is_overdue(today)),
        }
    else:
        counts = cases.order_by().aggregate(
            total=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=today))
        )
    items = [
        WorkItem(
            kind="permits.cases",
            title=f"{case.enterprise.code} {case.enterprise.display_name} · {case}",
            url=case.get_absolute_url(),
            due=case.deadline,
            detail=case_detail(case),
            tags=((_("overdue"), "danger"),) if case.is_overdue(today) else (),
        )
        for case in first
    ]
    return Batch(
        items,
        total=counts["total"],
        overdue=counts["overdue"],
        more_url=f"{reverse('permits:cases')}?state={STILL_OPEN}",
    )


# Registered by the app's ready() (registry.worklist).
QUEUES = (
    worklist.Queue(
        "permits.cases",
        open_cases,
        label=gettext_lazy("Open enforcement cases"),
        order=50,
        empty=gettext_lazy("No enforcement case is open."),
        note=gettext_lazy(
            "Most overdue rectification deadline first; a case is overdue once its deadline "
            "has passed and it is not closed."
        ),
        applies=worklist.may("permits.view_enforcementcase", "permits.change_enforcementcase"),
    ),
)
