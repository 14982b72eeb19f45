from django.utils.translation import gettext_lazy as _

from benxi_cp.navigation import NavItem

MENU = _("CP audits")

# Registered by the app's ready() (registry.navigation).
ITEMS = (
    NavItem(
        _("My audits"),
        "audits:mine",
        permission="audits.serve_on_audit_team",
        order=20,
        menu=MENU,
    ),
    NavItem(
        _("All audits"), "audits:list", permission="audits.view_all_audits", order=21, menu=MENU
    ),
    NavItem(
        _("Options"), "audits:option_list", permission="audits.view_option", order=22, menu=MENU
    ),
)
