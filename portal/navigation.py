from django.utils.translation import gettext_lazy as _

from benxi_cp.navigation import NavItem

# Its entries of the top navigation, registered by the app's ready() (registry.navigation).
ITEMS = (
    NavItem(
        _("My enterprise"),
        "portal:home",
        permission="portal.use_portal",
        order=5,
        enterprise_users_only=True,
    ),
    NavItem(
        _("Permits and compliance"),
        "portal:permits",
        permission="portal.use_portal",
        order=6,
        enterprise_users_only=True,
    ),
    NavItem(
        _("Monitoring values"),
        "portal:monitoring",
        permission="portal.use_portal",
        order=7,
        enterprise_users_only=True,
    ),
    NavItem(
        _("Enterprise accounts"),
        "portal:grants",
        permission="portal.view_grant",
        order=90,
        in_user_menu=True,
    ),
)
