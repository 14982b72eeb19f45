"""Permits, monitoring, compliance and the tax in the discharge menu: what an enterprise may
discharge beside what it reported (and a top bar that fits a laptop's width)."""

from django.utils.translation import gettext_lazy as _

from benxi_cp.navigation import NavItem
from enterprises.navigation import DISCHARGE as MENU

# Registered by the app's ready() (registry.navigation).
ITEMS = (
    NavItem(
        _("Discharge permits"),
        "permits:list",
        permission="permits.view_permit",
        order=45,
        menu=MENU,
    ),
    NavItem(
        _("Monitoring values"),
        "permits:monitoring",
        permission="permits.view_monitoringvalue",
        order=46,
        menu=MENU,
    ),
    NavItem(
        _("Compliance"),
        "permits:compliance",
        permission="permits.view_monitoringvalue",
        order=47,
        menu=MENU,
    ),
    NavItem(
        _("Enforcement cases"),
        "permits:cases",
        permission="permits.view_enforcementcase",
        order=49,
        menu=MENU,
    ),
    NavItem(
        _("Environmental protection tax"),
        "permits:fees",
        permission="permits.view_taxrate",
        order=48,
        menu=MENU,
    ),
)
