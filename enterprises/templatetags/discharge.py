"""Template helpers of the discharge pages: amounts as people write them."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


def plain_amount(value, grouping: bool = True) -> str:
    """1850.0000 → "1,850", 0.3500 → "0.35": every digit entered, no trailing zeros."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    number = number.normalize()
    if number == 0:
        return "0"
    return f"{number:,f}" if grouping else f"{number:f}"


@register.filter
def amount(value) -> str:
    return plain_amount(value)


@register.filter
def raw_amount(value) -> str:
    """For an input field: no thousands separators."""
    return plain_amount(value, grouping=False)
