"""Units and figures as a person reads them, in the user's language.

The catalogue stores each unit as a short code ("t", "10k t", "10k Nm3", "tce"): the import
and export files use these codes (docs/formats), so they never change. What a page, a PDF
or the annual forms' workbook shows is `unit_label(code)`: 吨, 万吨, 万标立方米, 吨标准煤 in
Chinese. A unit not listed here (a target's own unit, typed by a person in both languages)
is shown as it is.

`figure(value, places)` writes a number as people read it: thousands separators and a
fixed number of decimals, or "sensible" ones (none for whole numbers, at most two).
Exports keep the raw numbers as numbers; only text for people goes through here.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

UNITS = {
    "t": pgettext_lazy("unit", "t"),
    "kg": pgettext_lazy("unit", "kg"),
    "10k t": pgettext_lazy("unit", "10k t"),
    "10k Nm3": pgettext_lazy("unit", "10k Nm3"),
    "Nm3": pgettext_lazy("unit", "Nm3"),
    "tce": pgettext_lazy("unit", "tce"),
    "10k yuan": pgettext_lazy("unit", "10k yuan"),
    "10k yuan/a": pgettext_lazy("unit", "10k yuan/a"),
    "yuan": pgettext_lazy("unit", "yuan"),
    "t/a": pgettext_lazy("unit", "t/a"),
    "10k t/a": pgettext_lazy("unit", "10k t/a"),
    "m³": pgettext_lazy("unit", "m³"),
    "m³/a": pgettext_lazy("unit", "m³/a"),
    "m3/a": pgettext_lazy("unit", "m³/a"),
    "kWh/a": pgettext_lazy("unit", "kWh/a"),
    "tce/a": pgettext_lazy("unit", "tce/a"),
    "kWh": pgettext_lazy("unit", "kWh"),
    "10k kWh": pgettext_lazy("unit", "10k kWh"),
    "m3": pgettext_lazy("unit", "m3"),
    "10k m3": pgettext_lazy("unit", "10k m3"),
}


def unit_label(unit: str | None) -> str:
    """The unit code as the user reads it: "10k t" → 万吨 in Chinese; others as they are."""
    if not unit:
        return ""
    text = str(unit).strip()
    label = UNITS.get(text)
    return str(label) if label is not None else text


def per_year(unit: str | None) -> str:
    """A quantity per year: "t" → "t/a", 吨/年."""
    return _("%(unit)s/a") % {"unit": unit_label(unit)}


def figure(value, places: int | None = None) -> str:
    """1234.5 → "1,234.5"; with `places`, exactly that many decimals ("1,234.50"), with a
    negative one at most that many ("-3": 1,234.5); without, whole numbers without decimals
    and others with at most two. None or "" → "—"."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    places = None if places is None else int(places)
    if places is None or places < 0:
        places = 2 if places is None else -places
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) + 0
        text = f"{number:,.{places}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text
    number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) + 0  # no -0
    return f"{number:,.{places}f}"
