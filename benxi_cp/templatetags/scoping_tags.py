"""`{% with url=report|record_url:request.user %}`: the address of a record's page for the
user (benxi_cp/scoping.py, `record_url`): "" when an enterprise user has no page for it, and
the template leaves the link out."""

from django import template

from benxi_cp import scoping

register = template.Library()


@register.filter
def record_url(record, user) -> str:
    return scoping.record_url(user, record)
