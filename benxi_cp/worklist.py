"""What is waiting for a user: the items of their work queue, each with a due date if it has one.

Each app registers its sources in its own `worklist.py` (found by autodiscovery, as
`navigation.py` is). A source is a function `(user, today) -> iterable of WorkItem` that
returns only what that user may act on. The landing pages show the items, the weekly
reminder e-mail lists the overdue and soon-due ones; neither knows where an item comes from.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

Source = Callable[[object, datetime.date], Iterable["WorkItem"]]


@dataclass(frozen=True)
class WorkItem:
    """One thing waiting for a user: what it is, where to act on it and when it is due."""

    kind: str  # the source's key, e.g. "audits.timetable"; groups the items on a page
    title: str  # translated, in the user's language at the time it is built
    url: str
    due: datetime.date | None = None
    detail: str = ""

    def is_overdue(self, today: datetime.date) -> bool:
        return self.due is not None and self.due < today

    def is_due_within(self, today: datetime.date, days: int) -> bool:
        return self.due is not None and self.due <= today + datetime.timedelta(days=days)


_SOURCES: dict[str, Source] = {}


def register(kind: str, source: Source) -> None:
    """Add a source of work items under `kind` (registering the same kind again replaces it)."""
    _SOURCES[kind] = source


def sources() -> dict[str, Source]:
    return dict(_SOURCES)


def items_for(user, today: datetime.date | None = None, kinds=None) -> list[WorkItem]:
    """Every item waiting for `user`, overdue first, then by due date, undated last."""
    today = today or datetime.date.today()
    found: list[WorkItem] = []
    for kind, source in _SOURCES.items():
        if kinds is None or kind in kinds:
            found.extend(source(user, today))
    return sorted(found, key=lambda item: (item.due is None, item.due or datetime.date.max))


def overdue_for(user, today: datetime.date | None = None) -> list[WorkItem]:
    today = today or datetime.date.today()
    return [item for item in items_for(user, today) if item.is_overdue(today)]
