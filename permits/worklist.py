"""The EPB's work queues of enforcement (benxi_cp/worklist.py).

- Open cases: every case not closed, the most overdue rectification deadline first; a case
  past its deadline is overdue. The source reads through `EnforcementCase.objects.for_user`
  and runs a fixed number of queries whatever the length of the queue (the first
  `worklist.LIMIT` cases, and their counts when there are more).
- Violations without a case: the enterprises whose compliance this year (permits/
  compliance.py, the rules of the compliance form) shows an exceedance, missing required
  monitoring or an annual quantity above the permitted one, and that have no open case;
  each item links to the enterprise and to a new case prefilled with those rows. A fixed
  number of queries too (the compliance standings, cached with the dashboards' figures until
  the permits, monitoring or verified discharge change; the open cases' enterprises; the
  names).
"""

import datetime

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from benxi_cp import worklist
from benxi_cp.worklist import Batch, WorkItem
from enterprises.models import Enterprise
from permits import compliance
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


def detail(standing: compliance.Standing, year: int) -> str:
    """An enterprise's violations in `year`, in words."""
    parts = []
    if standing.exceedances:
        parts.append(
            ngettext("%(n)d exceedance", "%(n)d exceedances", standing.exceedances)
            % {"n": standing.exceedances}
        )
    if standing.missing:
        parts.append(
            ngettext(
                "%(n)d required result missing",
                "%(n)d required results missing",
                standing.missing,
            )
            % {"n": standing.missing}
        )
    if standing.over_quantity:
        parts.append(
            _("above the permitted quantity of %(pollutants)s")
            % {"pollutants": ", ".join(standing.over_quantity)}
        )
    return _("%(year)s: %(violations)s") % {"year": year, "violations": "; ".join(parts)}


def violations_in(year: int, today: datetime.date) -> dict[int, compliance.Standing]:
    """{enterprise id: its standing} of the enterprises with a violation in `year` (the
    cached standings the dashboards read too)."""
    return {
        pk: standing
        for pk, standing in compliance.standings(year, today).items()
        if standing.exceedances or standing.missing or standing.over_quantity
    }


def violations_without_case(user, today: datetime.date):
    """The enterprises with violations this year and no open case: the most exceedances
    first, then the most missing results, then by code."""
    found = violations_in(today.year, today)
    if found:
        with_case = set(
            EnforcementCase.objects.for_user(user)
            .still_open()
            .filter(enterprise_id__in=list(found))
            .values_list("enterprise_id", flat=True)
        )
        found = {pk: v for pk, v in found.items() if pk not in with_case}
    enterprises = Enterprise.objects.filter(pk__in=list(found))
    ranked = sorted(
        enterprises if found else (),
        key=lambda e: (-found[e.pk].exceedances, -found[e.pk].missing, e.code),
    )
    may_open = user.has_perm("permits.add_enforcementcase")
    create = reverse("permits:case_create")
    items = [
        WorkItem(
            kind="permits.violations",
            title=f"{enterprise.code} {enterprise.display_name}",
            url=enterprise.get_absolute_url(),
            detail=detail(found[enterprise.pk], today.year),
            links=((_("Open a case"), f"{create}?enterprise={enterprise.pk}"),) if may_open else (),
        )
        for enterprise in ranked[: worklist.LIMIT]
    ]
    return Batch(
        items, total=len(ranked), more_url=f"{reverse('permits:compliance')}?year={today.year}"
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
    worklist.Queue(
        "permits.violations",
        violations_without_case,
        label=gettext_lazy("Violations without a case"),
        order=49,
        empty=gettext_lazy("No enterprise has a violation this year without an open case."),
        note=gettext_lazy(
            "Enterprises whose compliance this year shows an exceedance of a limit, missing "
            "required monitoring or an annual quantity above the permitted one, and that have "
            "no open enforcement case; the most exceedances first."
        ),
        applies=worklist.may("permits.add_enforcementcase", "permits.view_monitoringvalue"),
    ),
)
