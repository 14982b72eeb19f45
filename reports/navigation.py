from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from benxi_cp import roles
from benxi_cp.navigation import HomeLink, LandingPage, NavItem

REPORTS = pgettext_lazy("menu", "Reports")

# Registered by the app's ready() (registry.navigation).
ITEMS = (
    NavItem(_("Programme dashboard"), "reports:dashboard", "reports.view_dashboard", 50, REPORTS),
    NavItem(_("EPB dashboard"), "reports:epb_dashboard", "reports.view_epb_dashboard", 51, REPORTS),
    NavItem(_("Discharge trends"), "reports:trends", "reports.view_dashboard", 52, REPORTS),
    NavItem(
        _("Claimed and measured reductions"),
        "reports:claims",
        "reports.view_dashboard",
        53,
        REPORTS,
    ),
    NavItem(_("Annual report forms"), "reports:forms", "reports.view_annual_forms", 60, REPORTS),
    NavItem(_("Closing of years"), "reports:years", "reports.view_annual_forms", 61, REPORTS),
)

# The leadership lands on the programme dashboard at "/" (registry.landing_pages).
LANDING_PAGES = (LandingPage(roles.LEADERSHIP, "reports:dashboard"),)

# The dashboards linked above the work queues (registry.home_links).
HOME_LINKS = (
    HomeLink(_("EPB dashboard"), "reports:epb_dashboard", "reports.view_epb_dashboard", 10),
    HomeLink(_("Programme dashboard"), "reports:dashboard", "reports.view_dashboard", 20),
)
