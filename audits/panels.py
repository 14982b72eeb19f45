"""The enterprise page's panel of CP audits, and the audit page's panels that other apps add
(incentives, ...): a `benxi_cp.panels.Panel` of the page `AUDIT_PAGE`, on a function
(request, audit) -> (template, context) or None."""

from audits.models import Audit
from benxi_cp import panels
from enterprises.panels import PAGE as ENTERPRISE_PAGE

AUDIT_PAGE = "audit"


def audit_panels_for(request, audit):
    return panels.render(AUDIT_PAGE, request, audit)


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


# Registered by the app's ready() (registry.panels).
PANELS = (panels.Panel(ENTERPRISE_PAGE, audits_panel, order=20),)
