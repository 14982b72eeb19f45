"""The enterprise page's panel of CP audits (registered with the register's panel hook)."""

from audits.models import Audit
from enterprises.panels import register_panel


@register_panel(order=20)
def audits_panel(request, enterprise):
    if not request.user.has_perm("audits.view_audit"):
        return None
    audits = list(
        Audit.objects.for_user(request.user)
        .filter(enterprise=enterprise)
        .order_by("-started_on", "ref")
    )
    may_add = request.user.has_perm("audits.add_audit")
    return (
        "audits/panel_enterprise.html",
        {"enterprise": enterprise, "audits": audits, "may_add": may_add},
    )


# -- panels other apps add to the audit page (incentives, ...) --------------------------------
_AUDIT_PANELS: list[tuple[int, object]] = []


def register_audit_panel(order: int = 100):
    """As enterprises.panels.register_panel, for the audit page: a function (request, audit)
    returning (template, context) or None."""

    def decorator(function):
        if all(f is not function for _o, f in _AUDIT_PANELS):
            _AUDIT_PANELS.append((order, function))
            _AUDIT_PANELS.sort(key=lambda pair: pair[0])
        return function

    return decorator


def audit_panels_for(request, audit) -> list:
    from django.template.loader import render_to_string

    rendered = []
    for _order, function in _AUDIT_PANELS:
        panel = function(request, audit)
        if panel is not None:
            template, context = panel
            rendered.append(render_to_string(template, context, request=request))
    return rendered
