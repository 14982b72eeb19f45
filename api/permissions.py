"""The pages' permissions, asked of API users: each view names the one its page asks for."""

from rest_framework.permissions import BasePermission


class PagePermission(BasePermission):
    """The user holds the view's `permission_required` (as PermissionMixin asks on a page)."""

    def has_permission(self, request, view) -> bool:
        permission = getattr(view, "permission_required", None)
        return bool(
            request.user
            and request.user.is_authenticated
            and (permission is None or request.user.has_perm(permission))
        )
