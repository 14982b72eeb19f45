import re
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from benxi_cp import units

register = template.Library()


@register.filter
def num(value, places: int = 0) -> str:
    """1234.5|num:2 → "1,234.50"; an empty figure is a dash."""
    return units.figure(value, int(places))  # the one formatting of figures


@register.filter
def ratio(value) -> str:
    """3.86 → "1:3.9", as the paper writes the input:output ratio."""
    if value is None:
        return "—"
    return f"1:{Decimal(value).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}"


# --- Localisation: a form's column headers never break inside a word ---

# Where a header may break: at a space, after a slash and before an opening bracket. A
# Chinese header has no spaces, so without this the PDF broke it between any two
# characters (完成步/骤); now "投资（万元）" breaks only before its unit.
_HEADER_BREAKS = re.compile(r"(?<=[/／])|(?=[（(])")
_ZERO_WIDTH_SPACE = "\u200b"  # a break opportunity that shows nothing


@register.filter
def header_words(label) -> str:
    """A column header as unbreakable words (`span.nb`, white-space: nowrap), each of
    which may go to the next line whole."""
    words = []
    for word in str(label).split():
        parts = [part for part in _HEADER_BREAKS.split(word) if part]
        words.append(
            format_html_join(_ZERO_WIDTH_SPACE, '<span class="nb">{}</span>', ((p,) for p in parts))
        )
    return mark_safe(" ".join(words))  # each word escaped by format_html_join
