import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from benxi_cp.filters import YES_NO, FilterSet
from targets.choices import Dimension
from targets.models import Department, Indicator


class IndicatorFilter(FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("code or name")}),
    )
    dimension = django_filters.ChoiceFilter(label=_("dimension"), choices=Dimension.choices)
    department = django_filters.ModelChoiceFilter(
        label=_("responsible department"),
        queryset=Department.objects.all(),
        to_field_name="code",
    )
    computed = django_filters.BooleanFilter(
        label=_("computed from the records"),
        method="filter_computed",
        widget=forms.Select(choices=YES_NO),
    )

    class Meta:
        model = Indicator
        fields = ["q", "dimension", "department", "computed"]

    def search(self, queryset, name, value):
        return queryset.search(value)

    def filter_computed(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.exclude(computation="") if value else queryset.filter(computation="")
