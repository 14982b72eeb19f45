"""Keeping computed indicators current as the records change."""

from targets.computations import recompute


def recompute_after_discharge_change(sender, year: int, **kwargs) -> None:
    """A report of `year` was entered, verified, returned or unlocked: the year's computed
    values follow at once (entered values are never touched, as with the button)."""
    recompute(year)
