"""The date the queues, deadlines and default years are computed at.

A live installation works on today's date. The demo city is a programme of 1996–2001:
measured against today, every item of its queues would be decades late and the EPB would be
asked for reports of years the demo has no data for. So the demo carries its own date,
DEMO_TODAY (a fortnight before the 2001 annual reports are due), stored as the value of the
site flag that says the demo is loaded; `today()` returns it while the demo is loaded, and
the demo banner shows it.

The flag is read once per request (the middleware below keeps it), the same read that
tells the banner whether the demo is loaded; outside a request, once per call.
"""

from __future__ import annotations

import datetime
from contextvars import ContextVar

from django.utils import timezone

DEMO_TODAY = datetime.date(2002, 3, 15)

_UNREAD = object()
_request_flag: ContextVar[list | None] = ContextVar("benxi_demo_flag", default=None)


def demo_flag():
    """The site flag saying the demo is loaded (a SiteFlag), or None."""
    from benxi_cp.models import SiteFlag

    memo = _request_flag.get()
    if memo is not None and memo[0] is not _UNREAD:
        return memo[0]
    flag = SiteFlag.objects.filter(key=SiteFlag.DEMO_LOADED).first()
    if memo is not None:
        memo[0] = flag
    return flag


def demo_date(flag=None) -> datetime.date | None:
    """The demo's own date while the demo is loaded, else None."""
    flag = demo_flag() if flag is None else flag
    if flag is None:
        return None
    try:
        return datetime.date.fromisoformat(flag.value)
    except (TypeError, ValueError):
        return None  # a flag written before the demo had a date: real time


def today() -> datetime.date:
    """The demo's date while the demo is loaded, else today's local date."""
    return demo_date() or timezone.localdate()


class ClockMiddleware:
    """Reads the demo flag at most once per request, for the views and the banner alike."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_flag.set([_UNREAD])
        try:
            return self.get_response(request)
        finally:
            _request_flag.reset(token)
