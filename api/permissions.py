"""The pages' permissions, asked of API users: each view names the one its page asks for."""

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission

from benxi_cp import scoping


class PagePermission(BasePermission):
    """The user holds the view's `permission_required` (as PermissionMixin asks on a page).

    An enterprise user reads only the views that declare `enterprise_scoped` (their rows go
    through scoping.scope_for), and writes only through their `enterprise_actions` (which
    check the user's right themselves and keep to their enterprises); any other is not
    found for them, as pages are."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if scoping.is_enterprise_user(user):
            if getattr(view, "enterprise_scoped", False) and request.method in ("GET", "HEAD"):
                return True
            if getattr(view, "action", None) in getattr(view, "enterprise_actions", ()):
                return True
            raise Http404(_("Not found."))
        permission = getattr(view, "permission_required", None)
        return permission is None or user.has_perm(permission)
