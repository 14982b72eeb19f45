import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from enterprises.choices import CpStatus, Ownership, Sector, Size
from enterprises.models import Enterprise


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("code or name")}),
    )
    sector = django_filters.ChoiceFilter(label=_("sector"), choices=Sector.choices)
    district = django_filters.CharFilter(label=_("district"), lookup_expr="icontains")
    ownership = django_filters.ChoiceFilter(label=_("ownership"), choices=Ownership.choices)
    size = django_filters.ChoiceFilter(label=_("size"), choices=Size.choices)
    state_large_medium = django_filters.BooleanFilter(
        label=_("state-owned large or medium"),
        widget=forms.Select(choices=[("", "---------"), ("true", _("Yes")), ("false", _("No"))]),
    )
    cp_status = django_filters.ChoiceFilter(label=_("CP status"), choices=CpStatus.choices)

    class Meta:
        model = Enterprise
        fields = ["q", "sector", "district", "ownership", "size", "state_large_medium", "cp_status"]

    def search(self, queryset, name, value):
        return queryset.search(value)
