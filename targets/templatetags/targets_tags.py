from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def number(value) -> str:
    """A decimal without trailing zeros and with thousands separators: 12,345.5; — for None."""
    if value is None or value == "":
        return "—"
    try:
        d = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    text = format(d.normalize(), "f")  # "f": never 1E+2
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    whole = f"{int(whole):,}"
    return f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}"


@register.filter
def percent(value) -> str:
    """A percentage with one decimal: 45.0 %; — for None."""
    if value is None:
        return "—"
    return f"{Decimal(value):.1f}%"
