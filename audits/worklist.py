"""The audits' work queues (benxi_cp/worklist.py) and the audit timetable.

The timetable (DOMAIN.md: "an audit starts within 2 months of the enterprise being listed
in the programme and finishes within a year"). The register keeps no separate date of
listing: an audit is registered when its enterprise is listed, and its "started on" date
stands for that day. So:

- step 1 (planning and organisation) is under way within START_WITHIN_MONTHS (2) of the
  audit's "started on" date;
- all eight steps are done within FINISH_WITHIN_MONTHS (12) of it.

An open audit's next step is the first one not completed; it is due by the first deadline
while step 1 has not begun, by the second one after. Assessment and acceptance follow the
eight steps and are the office's work (queues of their own, undated).
"""

import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audits.choices import NOT_RECORDED, FeeClass, OptionStatus, StepStatus, Verdict
from audits.models import STEP_COUNT, Audit, AuditStep, AuditUnlock, Option, locked_audits_q
from audits.steps import definition
from benxi_cp import worklist
from benxi_cp.worklist import Batch, WorkItem, add_months

START_WITHIN_MONTHS = 2
FINISH_WITHIN_MONTHS = 12


def start_due(started_on: datetime.date) -> datetime.date:
    return add_months(started_on, START_WITHIN_MONTHS)


def finish_due(started_on: datetime.date) -> datetime.date:
    return add_months(started_on, FINISH_WITHIN_MONTHS)


def first_step_under_way() -> Exists:
    """Annotation: step 1 is in progress or completed."""
    return Exists(
        AuditStep.objects.filter(audit_id=OuterRef("pk"), number=1).exclude(
            status=StepStatus.NOT_STARTED
        )
    )


def open_audits(audits):
    """Audits whose eight steps are not all done (and so not assessed)."""
    return audits.filter(steps_completed__lt=STEP_COUNT, assessment="")


def with_timetable(audits):
    return audits.annotate(first_under_way=first_step_under_way())


def overdue_q(today: datetime.date) -> Q:
    """Open audits (annotated by with_timetable) past their next step's deadline: the same
    rule as next_step(), in SQL."""
    return Q(started_on__lt=add_months(today, -FINISH_WITHIN_MONTHS)) | Q(
        first_under_way=False,
        steps_completed=0,
        started_on__lt=add_months(today, -START_WITHIN_MONTHS),
    )


def next_step(audit: Audit) -> tuple[int, datetime.date]:
    """(number, due date) of an open audit's next step (annotated by with_timetable)."""
    number = min(audit.steps_completed + 1, STEP_COUNT)
    started = audit.steps_completed > 0 or getattr(audit, "first_under_way", False)
    due = finish_due(audit.started_on) if started else start_due(audit.started_on)
    return number, due


def audit_title(audit: Audit) -> str:
    return f"{audit.ref} · {audit.enterprise.code} {audit.enterprise.display_name}"


def timetable_item(kind: str, audit: Audit) -> WorkItem:
    number, due = next_step(audit)
    step = definition(number)
    if audit.steps_completed == 0 and not getattr(audit, "first_under_way", False):
        detail = _("Next: step 1, %(title)s; to be under way by %(date)s (2 months from the start)")
    else:
        detail = _(
            "Next: step %(number)s, %(title)s; all eight steps by %(date)s (a year from the start)"
        )
    return WorkItem(
        kind=kind,
        title=audit_title(audit),
        url=reverse("audits:step", args=[audit.pk, number]),
        due=due,
        detail=detail % {"number": number, "title": step.title, "date": due.isoformat()},
        tags=(
            (
                _("%(done)s of %(count)s steps")
                % {"done": audit.steps_completed, "count": STEP_COUNT},
                "secondary",
            ),
        ),
    )


def my_audits(user, today: datetime.date):
    """The open audits on whose team the user is, each with its next step and deadline.
    All of them (an auditor's own audits are few), in one query."""
    audits = with_timetable(
        open_audits(Audit.objects.for_user(user).filter(team=user)).select_related("enterprise")
    ).order_by("started_on", "ref")
    items = [timetable_item("audits.timetable", audit) for audit in audits]
    return Batch(items, more_url=reverse("audits:mine"))


def overdue_audits(user, today: datetime.date):
    """Every open audit the user may see that is past its deadline, the longest overdue first."""
    late = with_timetable(open_audits(Audit.objects.for_user(user))).filter(overdue_q(today))
    audits = list(late.select_related("enterprise").order_by("started_on", "ref")[: worklist.LIMIT])
    total = len(audits) if len(audits) < worklist.LIMIT else late.count()
    return Batch(
        [timetable_item("audits.overdue", audit) for audit in audits],
        total=total,
        overdue=total,
        more_url=f"{reverse('audits:list')}?overdue=true",
    )


def feasibility_waiting(user, today: datetime.date):
    """Medium/high-fee options kept at screening with no feasibility analysis yet, on the
    user's audits that are not locked; due with the audit's eight steps."""
    options = (
        Option.objects.for_user(user)
        .filter(
            audit__team=user,
            fee_class=FeeClass.MEDIUM_HIGH,
            status=OptionStatus.SELECTED,
            feasibility__isnull=True,
        )
        .exclude(locked_audits_q("audit__"))
    )
    counts = options.order_by().aggregate(
        total=Count("pk", distinct=True),
        overdue=Count(
            "pk",
            distinct=True,
            filter=Q(audit__started_on__lt=add_months(today, -FINISH_WITHIN_MONTHS)),
        ),
    )
    found = options.select_related("audit__enterprise").order_by(
        "audit__started_on", "audit__ref", "code"
    )[: worklist.LIMIT]
    items = [
        WorkItem(
            kind="audits.feasibility",
            title=f"{option.audit.ref} {option.code} · {option.title}",
            url=reverse("audits:option_feasibility", args=[option.pk]),
            due=finish_due(option.audit.started_on),
            detail=option.audit.enterprise.display_name,
        )
        for option in found
    ]
    return Batch(
        items,
        total=counts["total"],
        overdue=counts["overdue"],
        more_url=(
            f"{reverse('audits:option_list')}?fee_class={FeeClass.MEDIUM_HIGH}"
            f"&status={OptionStatus.SELECTED}"
        ),
    )


def _office_queue(kind: str, audits, url_name: str, detail, more_url: str):
    found = list(
        audits.select_related("enterprise").order_by("started_on", "ref")[: worklist.LIMIT]
    )
    total = len(found) if len(found) < worklist.LIMIT else audits.count()
    items = [
        WorkItem(
            kind=kind,
            title=audit_title(audit),
            url=reverse(url_name, args=[audit.pk]),
            detail=detail(audit),
        )
        for audit in found
    ]
    return Batch(items, total=total, more_url=more_url)


def awaiting_assessment(user, today: datetime.date):
    """Audits with their eight steps done and no assessment recorded."""
    audits = Audit.objects.for_user(user).filter(steps_completed=STEP_COUNT, assessment="")
    return _office_queue(
        "audits.assessment",
        audits,
        "audits:assessment",
        lambda audit: (
            _("Started %(date)s; eight steps done") % {"date": audit.started_on.isoformat()}
        ),
        f"{reverse('audits:list')}?steps_completed={STEP_COUNT}&assessment={NOT_RECORDED}",
    )


def awaiting_acceptance(user, today: datetime.date):
    """Audits that passed assessment and have no acceptance recorded."""
    audits = Audit.objects.for_user(user).filter(assessment=Verdict.PASS, acceptance="")
    return _office_queue(
        "audits.acceptance",
        audits,
        "audits:acceptance",
        lambda audit: (
            _("Assessment passed %(date)s")
            % {"date": audit.assessed_on.isoformat() if audit.assessed_on else ""}
        ),
        f"{reverse('audits:list')}?assessment={Verdict.PASS}&acceptance={NOT_RECORDED}",
    )


def open_unlocks(user, today: datetime.date):
    """Accepted audits unlocked and not yet locked again: to lock once the change is made."""
    unlocks = (
        AuditUnlock.objects.filter(relocked_at__isnull=True, audit__in=Audit.objects.for_user(user))
        .select_related("audit__enterprise", "unlocked_by")
        .order_by("unlocked_at", "pk")
    )
    found = list(unlocks[: worklist.LIMIT])
    total = len(found) if len(found) < worklist.LIMIT else unlocks.count()
    items = [
        WorkItem(
            kind="audits.unlocks",
            title=audit_title(unlock.audit),
            url=unlock.audit.get_absolute_url(),
            detail=_("Unlocked %(date)s by %(user)s: %(reason)s")
            % {
                "date": timezone.localtime(unlock.unlocked_at).date().isoformat(),
                "user": unlock.unlocked_by.get_full_name() or unlock.unlocked_by.get_username(),
                "reason": Truncator(unlock.reason).chars(120),
            },
        )
        for unlock in found
    ]
    return Batch(items, total=total)


TIMETABLE_NOTE = gettext_lazy(
    "An audit's step 1 is under way within 2 months of its start date (the day the "
    "enterprise was listed in the programme) and its eight steps are done within a year of it."
)


# Registered by the app's ready() (registry.worklist).
QUEUES = (
    worklist.Queue(
        "audits.timetable",
        my_audits,
        label=gettext_lazy("My open audits"),
        order=50,
        empty=gettext_lazy("You have no open audit."),
        note=TIMETABLE_NOTE,
        applies=worklist.may("audits.view_audit", "audits.serve_on_audit_team"),
    ),
    worklist.Queue(
        "audits.feasibility",
        feasibility_waiting,
        label=gettext_lazy("Options waiting for feasibility analysis"),
        order=55,
        empty=gettext_lazy("No medium/high-fee option of your audits is waiting for its analysis."),
        applies=worklist.may(
            "audits.view_option", "audits.serve_on_audit_team", "audits.add_optionfeasibility"
        ),
    ),
    worklist.Queue(
        "audits.overdue",
        overdue_audits,
        label=gettext_lazy("Overdue audits"),
        order=60,
        empty=gettext_lazy("No audit is behind its timetable."),
        note=TIMETABLE_NOTE,
        applies=worklist.may("audits.view_all_audits", "audits.change_audit"),
    ),
    worklist.Queue(
        "audits.assessment",
        awaiting_assessment,
        label=gettext_lazy("Audits awaiting assessment"),
        order=65,
        empty=gettext_lazy("No audit is waiting for its assessment."),
        applies=worklist.may("audits.view_audit", "audits.assess_audit"),
    ),
    worklist.Queue(
        "audits.acceptance",
        awaiting_acceptance,
        label=gettext_lazy("Audits awaiting acceptance"),
        order=66,
        empty=gettext_lazy("No assessed audit is waiting for its acceptance."),
        applies=worklist.may("audits.view_audit", "audits.assess_audit"),
    ),
    worklist.Queue(
        "audits.unlocks",
        open_unlocks,
        label=gettext_lazy("Unlocked audits to lock again"),
        order=70,
        empty=gettext_lazy("No accepted audit is unlocked."),
        applies=worklist.may("audits.view_audit", "audits.unlock_audit"),
    ),
)
