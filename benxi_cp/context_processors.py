"""Context every page needs: the navigation, the user's role, whether demo data is loaded and
whether a figure on the page is an older one being updated."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from benxi_cp import datacache, navigation, roles
from benxi_cp.models import SiteFlag


def site(request) -> dict:
    user = request.user
    return {
        "site_title": settings.SITE_TITLE,
        "nav_menus": SimpleLazyObject(lambda: navigation.menu_for(user, request.path)),
        "user_role": SimpleLazyObject(lambda: roles.ROLES.get(roles.role_of(user), "")),
        # Called by the template where it shows the note, after the view's figures: when one
        # of them was served stale while another process computes it, the time it dates from.
        "figures_as_of": datacache.stale_since,
        "demo_loaded": SimpleLazyObject(
            lambda: SiteFlag.objects.filter(key=SiteFlag.DEMO_LOADED).exists()
        ),
    }
