"""Signals other apps listen to without the register importing them."""

from django.dispatch import Signal

# Sent after the commit of any change to a discharge report's values or status (entry,
# submit, verify, return, unlock), with `year`: figures computed from verified reports of
# that year may have changed. Bulk imports send it once per year they touched.
discharge_changed = Signal()
