from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()


@register.filter
def num(value, places: int = 0) -> str:
    """1234.5|num:2 → "1,234.50"; an empty figure is a dash."""
    if value is None or value == "":
        return "—"
    quantum = Decimal(1).scaleb(-int(places))
    rounded = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    return f"{rounded:,.{int(places)}f}"


@register.filter
def ratio(value) -> str:
    """3.86 → "1:3.9", as the paper writes the input:output ratio."""
    if value is None:
        return "—"
    return f"1:{Decimal(value).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}"
