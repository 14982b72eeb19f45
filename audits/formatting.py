"""How amounts are written where users read and type them."""

from decimal import Decimal


def plain(value: Decimal) -> str:
    """A decimal without trailing zeros: 163020.000 → 163020, 2.500 → 2.5."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
