"""The enterprise page's panels of training and incentives, and the audit page's incentives."""

from audits.panels import AUDIT_PAGE
from benxi_cp.panels import Panel
from enterprises.panels import PAGE as ENTERPRISE_PAGE
from programme.models import Incentive, TrainingParticipation
from programme.outreach.queries import incentive_totals, totals_grid


def training_panel(request, enterprise):
    """The events the enterprise sent people to, the latest first, with their totals."""
    if not request.user.has_perm("programme.view_trainingevent"):
        return None
    rows = list(
        TrainingParticipation.objects.filter(enterprise=enterprise)
        .select_related("event")
        .order_by("-event__held_on", "event__title")
    )
    return (
        "programme/panel_training.html",
        {
            "enterprise": enterprise,
            "rows": rows,
            "people": sum(row.participants for row in rows),
            "person_hours": sum(row.participants * row.event.hours for row in rows),
            "may_add": request.user.has_perm("programme.add_trainingevent"),
        },
    )


def incentives_panel(request, enterprise):
    """The incentives granted to the enterprise, with their totals by year and kind."""
    if not request.user.has_perm("programme.view_incentive"):
        return None
    incentives = Incentive.objects.for_user(request.user).filter(enterprise=enterprise)
    rows = list(incentives.select_related("audit", "policy"))
    if not rows and not request.user.has_perm("programme.view_all_incentives"):
        return None  # an auditor sees only the incentives of their audits' enterprises
    return (
        "programme/panel_incentives.html",
        {
            "enterprise": enterprise,
            "incentives": rows,
            "grid": totals_grid(incentive_totals(incentives)),
            "may_add": request.user.has_perm("programme.add_incentive"),
            "add_query": f"enterprise={enterprise.pk}",
        },
    )


def audit_incentives_panel(request, audit):
    """The incentives that reward this audit."""
    if not request.user.has_perm("programme.view_incentive"):
        return None
    rows = list(
        Incentive.objects.for_user(request.user).filter(audit=audit).select_related("policy")
    )
    may_add = request.user.has_perm("programme.add_incentive")
    if not rows and not may_add:
        return None
    return (
        "programme/panel_audit_incentives.html",
        {
            "audit": audit,
            "incentives": rows,
            "total": sum(row.amount_10k_yuan for row in rows),
            "may_add": may_add,
            "add_query": f"enterprise={audit.enterprise_id}&audit={audit.pk}",
        },
    )


# Registered by the app's ready() (registry.panels).
PANELS = (
    Panel(ENTERPRISE_PAGE, training_panel, order=60),
    Panel(ENTERPRISE_PAGE, incentives_panel, order=65),
    Panel(AUDIT_PAGE, audit_incentives_panel, order=60),
)
