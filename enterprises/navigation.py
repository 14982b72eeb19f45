from django.utils.translation import gettext_lazy as _

from benxi_cp.navigation import NavItem, register

register(
    NavItem(
        _("Enterprises"), "enterprises:list", permission="enterprises.view_enterprise", order=10
    ),
)
