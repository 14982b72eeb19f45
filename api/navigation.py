from django.utils.translation import gettext_lazy as _

from benxi_cp.navigation import NavItem

API = _("API")

# Registered by the app's ready() (registry.navigation).
ITEMS = (
    NavItem(
        _("API tokens"),
        "api:tokens",
        permission="api.view_apitoken",
        order=90,
        menu=API,
        in_user_menu=True,
    ),
    NavItem(
        _("API documentation"),
        "api:docs",
        permission="api.view_apitoken",
        order=91,
        menu=API,
        in_user_menu=True,
    ),
)
