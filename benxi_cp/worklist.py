"""What is waiting for a user: the items of their work queue, each with a due date if it has one.

Each app registers its queues (`Queue`) in `registry.worklist` from its AppConfig.ready().
A queue's source is a function `(user, today) -> iterable of WorkItem` that returns only
what that user may act on. The landing pages show the items, the weekly
reminder e-mail lists the overdue and soon-due ones; neither knows where an item comes from.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import lazy

from benxi_cp import clock
from benxi_cp.registry import registry

Source = Callable[[object, datetime.date], Iterable["WorkItem"]]


@dataclass(frozen=True)
class WorkItem:
    """One thing waiting for a user: what it is, where to act on it and when it is due."""

    kind: str  # the source's key, e.g. "myapp.overdue"; groups the items on a page
    title: str  # translated, in the user's language at the time it is built
    url: str
    due: datetime.date | None = None
    detail: str = ""
    # Optional badges beside the title: (text, tone), tone one of TONES (e.g. a grade).
    tags: tuple[tuple[str, str], ...] = ()
    # Optional further links beside the title: (label, url), e.g. "Open a case".
    links: tuple[tuple[str, str], ...] = ()

    def is_overdue(self, today: datetime.date) -> bool:
        return self.due is not None and self.due < today

    def is_due_within(self, today: datetime.date, days: int) -> bool:
        return self.due is not None and self.due <= today + datetime.timedelta(days=days)


TONES = ("secondary", "success", "info", "warning", "danger")


class Batch(list):
    """A source's items when it shows only the first `limit` of them (optional: a source may
    return any iterable). `total` and `overdue` count them all, from the records; `more_url`
    lists them all; `actions` are (label, url) buttons for the group, e.g. "Verify next"."""

    def __init__(self, items=(), total=None, overdue=None, more_url="", actions=()):
        super().__init__(items)
        self.total = len(self) if total is None else total
        self.overdue = overdue
        self.more_url = more_url
        self.actions = tuple(actions)


@dataclass(frozen=True)
class Queue:
    """A kind of work item: its source, and how the landing pages show it: heading, place
    (lower first), words for an empty queue, a note (a rule, such as the audit timetable's),
    and which users it is for (`applies(user)`, None: every user; a source may also return
    None for "not for this user")."""

    key: str
    source: Source | None = None
    label: str = ""
    order: int = 100
    empty: str = ""
    note: str = ""
    applies: Callable[[object], bool] | None = None

    def applies_to(self, user) -> bool:
        return self.applies is None or bool(self.applies(user))


LIMIT = 10  # the items a group shows; the rest behind its "all" link


def lazy_text(text, **params):
    """`text % params`, translated when shown (a lazy string's % would translate at import)."""
    return lazy(lambda: str(text) % params, str)()


def kind(key: str) -> Queue:
    return registry.worklist.get(key) or Queue(key)


def sources() -> dict[str, Source]:
    return {queue.key: queue.source for queue in registry.worklist}


def items_for(user, today: datetime.date | None = None, kinds=None) -> list[WorkItem]:
    """Every item waiting for `user`, overdue first, then by due date, undated last. A source
    that returns a Batch gives its first `LIMIT` items (the longest waiting or most overdue
    first); its `total` and `overdue` count the rest (groups_for)."""
    today = today or clock.today()
    found: list[WorkItem] = []
    for queue in registry.worklist:
        if (kinds is None or queue.key in kinds) and queue.applies_to(user):
            found.extend(queue.source(user, today) or ())
    return sorted(found, key=lambda item: (item.due is None, item.due or datetime.date.max))


def overdue_for(user, today: datetime.date | None = None) -> list[WorkItem]:
    today = today or clock.today()
    return [item for item in items_for(user, today) if item.is_overdue(today)]


@dataclass
class Group:
    """One kind's items for one user, as a landing page shows them."""

    kind: Queue
    items: list[WorkItem]
    total: int
    overdue: int
    more_url: str = ""
    actions: tuple = ()

    @property
    def key(self) -> str:
        return self.kind.key

    @property
    def anchor(self) -> str:
        return "queue-" + self.kind.key.replace(".", "-").replace("_", "-")

    @property
    def label(self) -> str:
        return str(self.kind.label or self.kind.key)

    @property
    def shown(self) -> int:
        return len(self.items)


def groups_for(user, today: datetime.date | None = None, kinds=None) -> list[Group]:
    """The user's queues, one per kind that applies to them (empty ones too, so a page can
    say so), in the kinds' order; within a group, overdue first, then by due date, undated
    last, keeping the source's order otherwise."""
    today = today or clock.today()
    groups = []
    for meta in registry.worklist:
        if (kinds is not None and meta.key not in kinds) or not meta.applies_to(user):
            continue
        found = meta.source(user, today)
        if found is None:
            continue
        items = sorted(found, key=lambda item: (item.due is None, item.due or datetime.date.max))
        overdue = getattr(found, "overdue", None)
        groups.append(
            Group(
                kind=meta,
                items=items,
                total=getattr(found, "total", len(items)),
                overdue=(
                    sum(1 for item in items if item.is_overdue(today))
                    if overdue is None
                    else overdue
                ),
                more_url=getattr(found, "more_url", ""),
                actions=getattr(found, "actions", ()),
            )
        )
    return sorted(groups, key=lambda group: (group.kind.order, group.label))


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` moved by whole months, kept within the month (31 January + 1 month = 28 or 29
    February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last))


def may(*permissions: str):
    """An `applies` test for a Queue: the user holds every one of these permissions."""
    return lambda user: user.has_perms(permissions)
