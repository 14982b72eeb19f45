"""Context every page needs: the navigation, the user's role and whether demo data is loaded."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from benxi_cp import navigation, roles
from benxi_cp.models import SiteFlag


def site(request) -> dict:
    user = request.user
    return {
        "site_title": settings.SITE_TITLE,
        "nav_menus": SimpleLazyObject(lambda: navigation.menu_for(user, request.path)),
        "user_role": SimpleLazyObject(lambda: roles.ROLES.get(roles.role_of(user), "")),
        "demo_loaded": SimpleLazyObject(
            lambda: SiteFlag.objects.filter(key=SiteFlag.DEMO_LOADED).exists()
        ),
    }
