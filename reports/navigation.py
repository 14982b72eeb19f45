from django.utils.translation import gettext_lazy as _

from benxi_cp.navigation import NavItem, register

REPORTS = _("Reports")

register(
    NavItem(_("Annual report forms"), "reports:forms", "reports.view_annual_forms", 60, REPORTS),
)
