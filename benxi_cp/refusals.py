"""The database's refusals of a user's change, shown as a message, never as a server error.

Guards (benxi_cp/guards.py) refuse, by every write path, changes to records an app has
locked. Each app that registers a guard registers, in `registry.refusals`, how to recognise
its guard's refusal: a function taking the database's error and returning the refusal as a
ValidationError (its messages are what users read), or None when the error is not its
guard's. The application's own forms, grids and importers ask `refusal(error)` or
`message(error, default)` where they catch database errors; a path that does not (a page of
the admin site, say) would end in a server error. The middleware here is the last line: it
recognises the refusal, shows its message and sends the user back to the page they were on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import HttpResponseRedirect

from benxi_cp.registry import registry

logger = logging.getLogger(__name__)

# Each takes the database's error and returns the refusal, or None if not its own.
Recogniser = Callable[[BaseException], "ValidationError | None"]


class Refused(ValidationError):
    """A change refused by a guard, with the message users read. An app's refusals subclass
    it, so that a write path catches every guard's refusal without naming the app."""


def refusal(error: BaseException) -> ValidationError | None:
    """The guard's refusal `error` is, as its app words it; None when it is no guard's."""
    if not isinstance(error, DatabaseError):
        return None
    for recognise in registry.refusals:
        refused = recognise(error)
        if refused is not None:
            return refused
    return None


def message(error: BaseException, default) -> str:
    """The message to show for the database's error: a guard's refusal's, or `default`."""
    refused = refusal(error)
    return refused.messages[0] if refused is not None else default


def message_for(error: BaseException) -> str | None:
    """The message of a guard's refusal, or None when `error` is no guard's refusal."""
    refused = refusal(error)
    return " ".join(refused.messages) if refused is not None else None


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
