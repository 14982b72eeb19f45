"""Context every page needs: the navigation, the user's role, whether demo data is loaded and
whether a figure on the page is an older one, and whether it is being updated."""

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import SimpleLazyObject

from benxi_cp import clock, datacache, navigation, roles


def figures_as_of() -> str:
    """When the oldest figure served stale on this page was computed: its time, with the
    day when that was not today; empty when every figure is current."""
    computed = datacache.stale_since()
    if computed is None:
        return ""
    computed = timezone.localtime(computed)
    shown = "H:i" if computed.date() == timezone.localdate() else "Y-m-d H:i"
    return date_format(computed, shown)


def site(request) -> dict:
    user = request.user
    return {
        "site_title": settings.SITE_TITLE,
        "nav_menus": SimpleLazyObject(lambda: navigation.menu_for(user, request.path)),
        "user_role": SimpleLazyObject(lambda: roles.ROLES.get(roles.role_of(user), "")),
        # Called by the template where it shows the note, after the view's figures: when one
        # of them was served stale while another process computes it, the time it dates from.
        "figures_as_of": figures_as_of,
        # ... and whether one of them is being computed anew at this moment ("being updated").
        "figures_updating": datacache.updating,
        "demo_loaded": SimpleLazyObject(lambda: clock.demo_flag() is not None),
        # The demo's own date, shown in its banner (benxi_cp/clock.py).
        "demo_today": SimpleLazyObject(lambda: clock.demo_date() or ""),
    }
