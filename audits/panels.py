"""The enterprise page's panel of CP audits (registered with the register's panel hook)."""

from audits.models import Audit
from benxi_cp.panels import Panels
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
# `@register_audit_panel(order)` on a function (request, audit) -> (template, context) or None.
AUDIT_PANELS = Panels()
register_audit_panel = AUDIT_PANELS.register
audit_panels_for = AUDIT_PANELS.render
