"""The top navigation: each app registers its entries (`NavItem`) in `registry.navigation`
from its AppConfig.ready().

An entry shows only to users holding its permission, so each role sees what it may use.
Entries marked `in_user_menu` (the administrator's tools) are listed in the user's drop-down
at the right instead of the bar, which keeps the bar within the width of a laptop screen.
"""

from dataclasses import dataclass

from django.urls import reverse

from benxi_cp import scoping
from benxi_cp.registry import registry


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str | None = None
    order: int = 100
    menu: str | None = None  # entries sharing a menu label form one drop-down
    in_user_menu: bool = False  # listed under the user's drop-down, not in the bar
    # for enterprise users only (benxi_cp/scoping.py): not shown to anyone else, superusers
    # included, whose permissions would otherwise show it
    enterprise_users_only: bool = False

    def visible_to(self, user, perms: set[str]) -> bool:
        if self.enterprise_users_only:
            return scoping.is_enterprise_user(user)
        return self.permission is None or self.permission in perms or user.is_superuser


def menu_for(user, path: str) -> list[dict]:
    """The entries `user` may see, grouped into drop-down menus, in their order."""
    if not user.is_authenticated:
        return []
    perms = user.get_all_permissions()
    menus: list[dict] = []
    by_label: dict[str, dict] = {}
    visible = [
        (item, reverse(item.url_name))
        for item in registry.navigation
        if item.visible_to(user, perms)
    ]
    # The current entry is the one whose address matches most of the path: on a report's
    # page that is "All reports", not the register it sits under as well.
    matching = [url for _item, url in visible if url != "/" and path.startswith(url)]
    current = max(matching, key=len, default=None)
    for item, url in visible:
        entry = {"label": item.label, "url": url, "active": url == current}
        if item.menu is None and not item.in_user_menu:
            menus.append({"label": item.label, "url": url, "active": entry["active"], "items": []})
            continue
        label = item.menu if item.menu is not None else item.label
        menu = by_label.get(str(label))
        if menu is None:
            menu = {
                "label": label,
                "url": None,
                "active": False,
                "items": [],
                "in_user_menu": item.in_user_menu,
            }
            by_label[str(label)] = menu
            menus.append(menu)
        menu["items"].append(entry)
        menu["active"] = menu["active"] or entry["active"]
    return menus


@dataclass(frozen=True)
class LandingPage:
    """The page a role lands on at "/", shown in place (registry.landing_pages). The roles
    without one land on their work queues (benxi_cp/worklist.py)."""

    role: str
    url_name: str


@dataclass(frozen=True)
class HomeLink:
    """A link above the work queues (a dashboard, say; it stays in the menu too), for the
    users holding `permission` (registry.home_links)."""

    label: str
    url_name: str
    permission: str
    order: int = 100
