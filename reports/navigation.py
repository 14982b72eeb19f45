from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from benxi_cp.navigation import NavItem, register

REPORTS = pgettext_lazy("menu", "Reports")

register(
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
