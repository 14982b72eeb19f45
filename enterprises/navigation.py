from django.utils.translation import gettext_lazy as _

from benxi_cp.navigation import NavItem

DISCHARGE = _("Discharge reports")

# Registered by the app's ready() (registry.navigation).
ITEMS = (
    NavItem(
        _("Enterprises"), "enterprises:list", permission="enterprises.view_enterprise", order=10
    ),
    NavItem(
        _("All reports"),
        "enterprises:report_list",
        permission="enterprises.view_dischargereport",
        order=20,
        menu=DISCHARGE,
    ),
    NavItem(
        _("Enter a report"),
        "enterprises:report_entry",
        permission="enterprises.add_dischargereport",
        order=21,
        menu=DISCHARGE,
    ),
    NavItem(
        _("Flagged values"),
        "enterprises:flagged_values",
        permission="enterprises.view_reliabilityflag",
        order=22,
        menu=DISCHARGE,
    ),
    NavItem(
        _("Import reports"),
        "enterprises:report_import",
        permission="enterprises.add_dischargereport",
        order=23,
        menu=DISCHARGE,
    ),
)
