"""`{% help_link "flag-" flag.code term=label %}`: a small "?" linking a term on a page to its
entry in the glossary (the help page, benxi_cp/glossary.py); the parts join into the anchor."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def help_url(*parts) -> str:
    return f"{reverse('help')}#{''.join(str(part) for part in parts)}"


@register.simple_tag
def help_link(*parts, term: str = "") -> str:
    label = _("Help: %(term)s") % {"term": term} if term else _("Help")
    return format_html(
        '<a class="help-link d-print-none" href="{}" title="{}" aria-label="{}">?</a>',
        help_url(*parts),
        label,
        label,
    )
