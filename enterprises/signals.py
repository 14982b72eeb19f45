"""Signals other apps listen to without the register importing them."""

from django.db import transaction
from django.dispatch import Signal

# Sent after the commit of any change to a discharge report's values or status (entry,
# submit, verify, return, unlock, import), with `year`: figures computed from the verified
# reports of that year may have changed.
discharge_changed = Signal()


def announce(year: int) -> None:
    """Send `discharge_changed` for `year` once the current transaction commits."""
    from enterprises.models import DischargeReport

    transaction.on_commit(lambda: discharge_changed.send(sender=DischargeReport, year=year))
