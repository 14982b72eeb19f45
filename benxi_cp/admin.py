from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import User
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benxi_cp.models import EditConflict, SiteFlag
from benxi_cp.versions import VERSION_FIELD, VersionedFormMixin, refuse

admin.site.site_header = gettext_lazy("Benxi Cleaner Production")
admin.site.site_title = gettext_lazy("Benxi CP administration")
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


class VersionedAdminForm(VersionedFormMixin, forms.ModelForm):
    """The admin's change form of a VersionedModel: it carries the version it was read at
    (declared, so that the admin lists it, as a hidden row), and refuses, in the admin's
    transaction and with the row locked until it ends, a record saved since."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # As stored: the history's "revert" page shows an old version's values.
            stored = (
                type(self.instance)
                ._base_manager.filter(pk=self.instance.pk)
                .values_list(VERSION_FIELD, flat=True)
                .first()
            )
            self.initial[VERSION_FIELD] = stored or 0

    def clean(self):
        cleaned = super().clean()
        read = cleaned.get(VERSION_FIELD)
        if read is None or not self.instance.pk:
            return cleaned
        stored = (
            type(self.instance)
            ._base_manager.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list(VERSION_FIELD, flat=True)
            .first()
        )
        if stored != read:
            conflict = refuse(self, EditConflict(self.instance, read))
            for row in conflict.rows:
                self.add_error(None, _difference_text(row))
        return cleaned


def _difference_text(row) -> str:
    text = _("%(field)s: yours “%(yours)s”, now stored “%(stored)s”") % {
        "field": row.label,
        "yours": row.yours,
        "stored": row.stored,
    }
    if row.changed_since_read and row.changed_on:
        when = formats.date_format(timezone.localtime(row.changed_on), "Y-m-d H:i")
        text += f" ({row.changed_by}, {when})" if row.changed_by else f" ({when})"
    return text


class VersionedAdminMixin:
    """For the ModelAdmin of a VersionedModel: no lost updates on its change page."""

    form = VersionedAdminForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The page lists the version (a declared field of the form); the model form built
        # from that list must not name it, the model field not being editable.
        if "fields" not in kwargs:
            kwargs["fields"] = flatten_fieldsets(self.get_fieldsets(request, obj))
        if kwargs["fields"] is not None:
            kwargs["fields"] = [name for name in kwargs["fields"] if name != VERSION_FIELD]
        return super().get_form(request, obj, change=change, **kwargs)
