"""{% load units %}: units in the user's language and figures with thousands separators."""

from django import template

from benxi_cp import units

register = template.Library()


@register.filter
def unit(value) -> str:
    """{{ pollutant.unit|unit }} → 万吨 in Chinese, "10k t" in English."""
    return units.unit_label(value)


@register.filter
def per_year(value) -> str:
    """{{ pollutant.unit|per_year }} → 吨/年, "t/a"."""
    return units.per_year(value)


@register.filter
def figure(value, places=None) -> str:
    """{{ value|figure }} → "12,345" or "1,234.5"; {{ value|figure:2 }} → "1,234.50"."""
    return units.figure(value, None if places in (None, "") else int(places))
