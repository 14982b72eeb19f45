"""The programme office's registers in the top navigation: one "Programme office" menu."""

from django.utils.translation import gettext_lazy as _

from benxi_cp.navigation import NavItem, register

MENU = _("Programme office")

# Environmental investment ----------------------------------------------------------------
register(
    NavItem(
        _("Environmental investment"),
        "programme:investment_list",
        permission="programme.view_environmentalinvestment",
        order=64,
        menu=MENU,
    ),
)
