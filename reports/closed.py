"""The database's refusal of a change to a closed year's records, recognised where a write
path turns database errors into messages (forms, imports, the workflow of reports): its
recogniser `refusal` is registered in `registry.refusals` (benxi_cp/refusals.py).

The programme office closes a year once its annual forms are signed (reports/closing.py);
from then on triggers (reports/yearlock.py) refuse, by any path, a change to the records
that make the year's figures, until the year is reopened with a reason. Their error carries
MARKER and, on PostgreSQL, the year (SQLite's RAISE takes a fixed text only).
"""

from __future__ import annotations

import re

from django.db import DatabaseError
from django.utils.translation import gettext_lazy as _

from benxi_cp.refusals import Refused

MARKER = "benxi_year_closed"
_YEAR = re.compile(MARKER + r": (\d{4})")


def is_closed_year_error(error: BaseException) -> bool:
    return isinstance(error, DatabaseError) and MARKER in str(error)


def closed_year(error: BaseException) -> int | None:
    """The closed year the database named in `error`, when it named one."""
    match = _YEAR.search(str(error))
    return int(match.group(1)) if match else None


class YearClosed(Refused):
    """A change to a closed year's records, refused."""

    def __init__(self, year: int | None = None):
        if year:
            message = _(
                "The year %(year)s is closed: its annual forms were signed, and its records "
                "cannot change. The programme office must reopen the year, with a reason, first."
            ) % {"year": year}
        else:
            message = _(
                "These records belong to a closed year: its annual forms were signed, and its "
                "records cannot change. The programme office must reopen the year, with a "
                "reason, first."
            )
        super().__init__(message, code="year_closed")
        self.year = year


def refusal(error: BaseException) -> YearClosed | None:
    """YearClosed for the database's refusal of a closed year's change, else None."""
    if is_closed_year_error(error):
        return YearClosed(closed_year(error))
    return None


def message(error: BaseException, default) -> str:
    """The message to show for the database's refusal `error`: the closed year's, or `default`."""
    refused = refusal(error)
    return refused.messages[0] if refused is not None else default
