from django.utils.translation import gettext_lazy as _

from benxi_cp.navigation import NavItem

MENU = _("Targets")

# Registered by the app's ready() (registry.navigation).
ITEMS = (
    NavItem(
        _("Targets and progress"),
        "targets:overview",
        permission="targets.view_target",
        order=60,
        menu=MENU,
    ),
    NavItem(
        _("Departments"),
        "targets:departments",
        permission="targets.view_department",
        order=61,
        menu=MENU,
    ),
    NavItem(
        _("Indicators"),
        "targets:indicators",
        permission="targets.view_indicator",
        order=62,
        menu=MENU,
    ),
)
