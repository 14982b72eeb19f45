"""The database's refusals of a user's change, shown as a message, never as a server error.

Triggers refuse, by every write path, changes to verified discharge reports
(enterprises/locks.py), to accepted audits (audits/locks.py) and to the records of a
closed year (reports/yearlock.py). The application's own forms, grids and importers turn
those refusals into messages where they happen; a path that does not (a page of the admin
site, say) would end in a server error. This middleware is the last line: it recognises
the refusal, shows its message and sends the user back to the page they were on. Each app
registers how to recognise its own trigger's refusal (`register`, in its AppConfig.ready).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.contrib import messages
from django.db import DatabaseError
from django.http import HttpResponseRedirect

from benxi_cp import closing

logger = logging.getLogger(__name__)

# Each takes the database's error and returns the message to show, or None if not its own.
Recogniser = Callable[[BaseException], "str | None"]
_RECOGNISERS: list[Recogniser] = []


def register(recogniser: Recogniser) -> Recogniser:
    if recogniser not in _RECOGNISERS:
        _RECOGNISERS.append(recogniser)
    return recogniser


@register
def _closed_year(error: BaseException) -> str | None:
    refused = closing.refusal(error)
    return str(refused.messages[0]) if refused is not None else None


def message_for(error: BaseException) -> str | None:
    """The message of a guard's refusal, or None when `error` is no guard's refusal."""
    if not isinstance(error, DatabaseError):
        return None
    for recognise in _RECOGNISERS:
        text = recognise(error)
        if text:
            return text
    return None


class RefusalMiddleware:
    """A guard's refusal that reached the top of a request: the page again, with the reason."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        text = message_for(exception)
        if text is None:
            return None
        logger.info("refused by the database's guard: %s %s", request.method, request.path)
        messages.error(request, text)
        return HttpResponseRedirect(request.get_full_path())
