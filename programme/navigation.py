"""The programme office's menu: one drop-down for the office's own registers."""

from django.utils.translation import gettext_lazy as _

from benxi_cp.navigation import NavItem

MENU = _("Programme office")

# Registered by the app's ready() (registry.navigation).
ITEMS = (
    # Organisation
    NavItem(_("Leading team and office"), "programme:bodies", "programme.view_body", 70, MENU),
    NavItem(_("Members"), "programme:members", "programme.view_member", 71, MENU),
    NavItem(_("Meetings"), "programme:meetings", "programme.view_meeting", 72, MENU),
    NavItem(_("Tasks"), "programme:tasks", "programme.view_task", 73, MENU),
    NavItem(_("Departments' staff"), "programme:staff", "programme.view_userprofile", 74, MENU),
    # Training and outreach; policies and incentives
    NavItem(
        _("Training and outreach"),
        "programme:event_list",
        permission="programme.view_trainingevent",
        order=75,
        menu=MENU,
    ),
    NavItem(
        _("Policies and regulations"),
        "programme:policy_list",
        permission="programme.view_policy",
        order=76,
        menu=MENU,
    ),
    NavItem(
        _("Incentives"),
        "programme:incentive_list",
        permission="programme.view_incentive",
        order=77,
        menu=MENU,
    ),
    # Environmental investment
    NavItem(
        _("Environmental investment"),
        "programme:investment_list",
        permission="programme.view_environmentalinvestment",
        order=78,
        menu=MENU,
    ),
)
