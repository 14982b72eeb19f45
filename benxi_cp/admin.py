from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from benxi_cp.models import SiteFlag

admin.site.site_header = _("Benxi Cleaner Production")
admin.site.site_title = _("Benxi CP administration")
admin.site.register(SiteFlag)


class UserAdmin(DjangoUserAdmin):
    """Users in the admin site. Administrators hold the user permissions (to manage users in
    the app), and Django's user admin would let them make anyone, themselves included, a
    superuser: only superusers see superusers here or change superuser status, permissions
    and groups (roles are given in the app, under its rules: Users in the user menu)."""

    def get_queryset(self, request):
        users = super().get_queryset(request)
        return users if request.user.is_superuser else users.filter(is_superuser=False)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return fields
        return (*fields, "is_superuser", "user_permissions", "groups")


admin.site.unregister(User)
admin.site.register(User, UserAdmin)
