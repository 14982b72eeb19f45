"""The top navigation: each app registers its entries in its own `navigation.py`.

An entry shows only to users holding its permission, so each role sees what it may use.
"""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str | None = None
    order: int = 100
    menu: str | None = None  # entries sharing a menu label form one drop-down

    def visible_to(self, user, perms: set[str]) -> bool:
        return self.permission is None or self.permission in perms or user.is_superuser


_REGISTRY: list[NavItem] = []


def register(*items: NavItem) -> None:
    for item in items:
        if item not in _REGISTRY:
            _REGISTRY.append(item)


def menu_for(user, path: str) -> list[dict]:
    """The entries `user` may see, grouped into drop-down menus, in registration order."""
    if not user.is_authenticated:
        return []
    perms = user.get_all_permissions()
    menus: list[dict] = []
    by_label: dict[str, dict] = {}
    for item in sorted(_REGISTRY, key=lambda i: i.order):
        if not item.visible_to(user, perms):
            continue
        url = reverse(item.url_name)
        entry = {"label": item.label, "url": url, "active": path.startswith(url) and url != "/"}
        if item.menu is None:
            menus.append({"label": item.label, "url": url, "active": entry["active"], "items": []})
            continue
        menu = by_label.get(str(item.menu))
        if menu is None:
            menu = {"label": item.menu, "url": None, "active": False, "items": []}
            by_label[str(item.menu)] = menu
            menus.append(menu)
        menu["items"].append(entry)
        menu["active"] = menu["active"] or entry["active"]
    return menus
