"""Logging helpers named in settings.LOGGING."""

import logging


class ClientErrorsInOneLine(logging.Filter):
    """A request that ends in 4xx (a denied page, a missing one, a failed CSRF check) is the
    client's doing, not a fault: its record keeps its one line and loses the traceback Django
    attaches (PermissionDenied, Http404). A 5xx keeps it: that is what the line is for."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
