from django.utils.translation import gettext_lazy as _

from benxi_cp.navigation import NavItem, register

# One drop-down for the programme office's own registers (the other registers use it too).
MENU = _("Programme office")

# Training and outreach; policies and incentives
register(
    NavItem(
        _("Training and outreach"),
        "programme:event_list",
        permission="programme.view_trainingevent",
        order=70,
        menu=MENU,
    ),
    NavItem(
        _("Policies and regulations"),
        "programme:policy_list",
        permission="programme.view_policy",
        order=71,
        menu=MENU,
    ),
    NavItem(
        _("Incentives"),
        "programme:incentive_list",
        permission="programme.view_incentive",
        order=72,
        menu=MENU,
    ),
)
