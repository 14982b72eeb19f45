"""The enterprise page's panel of environmental investment by year (enterprises/panels.py)."""

from benxi_cp.panels import Panel
from enterprises.panels import PAGE as ENTERPRISE_PAGE
from programme.investment import queries as investment
from programme.models import EnvironmentalInvestment


def investment_panel(request, enterprise):
    user = request.user
    if not user.has_perm("programme.view_environmentalinvestment"):
        return None
    visible = EnvironmentalInvestment.objects.for_user(user).filter(enterprise=enterprise)
    years = investment.by_year(queryset=visible)
    if not years and not user.has_perm("programme.view_all_investments"):
        return None  # an auditor not on this enterprise's audits: nothing of theirs to show
    return (
        "programme/panel_investment.html",
        {
            "enterprise": enterprise,
            "years": years[::-1],
            "may_add": user.has_perm("programme.add_environmentalinvestment"),
        },
    )


# Registered by the app's ready() (registry.panels).
PANELS = (Panel(ENTERPRISE_PAGE, investment_panel, order=40),)
