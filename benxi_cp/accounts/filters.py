import django_filters
from django import forms
from django.contrib.auth.models import User
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from benxi_cp import roles
from benxi_cp.filters import YES_NO, FilterSet


class UserFilter(FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("user name, name or e-mail")}),
    )
    role = django_filters.ChoiceFilter(
        label=_("role"), choices=list(roles.ROLES.items()), field_name="groups__name"
    )
    is_active = django_filters.BooleanFilter(
        label=_("active"),
        widget=forms.Select(choices=YES_NO),
    )

    class Meta:
        model = User
        fields = ["q", "role", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(username__icontains=value)
            | Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
            | Q(email__icontains=value)
        )
