"""The filter of the environmental investment list (also what its export exports)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from benxi_cp.filters import FilterSet, RecordYearFilter
from enterprises.choices import Sector
from enterprises.models import Enterprise
from enterprises.picker import EnterpriseChoiceFilter
from programme.investment.choices import FundSource, InvestmentCategory, InvestmentStatus
from programme.models import EnvironmentalInvestment


def _enterprises(request):
    return Enterprise.objects.order_by("code")


class InvestmentFilter(FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("project or enterprise")}),
    )
    enterprise = EnterpriseChoiceFilter(label=_("enterprise"))
    sector = django_filters.ChoiceFilter(
        label=_("sector"), field_name="enterprise__sector", choices=Sector.choices
    )
    year = RecordYearFilter(label=_("year"))
    category = django_filters.ChoiceFilter(label=_("category"), choices=InvestmentCategory.choices)
    source = django_filters.ChoiceFilter(label=_("source of funds"), choices=FundSource.choices)
    status = django_filters.ChoiceFilter(label=_("status"), choices=InvestmentStatus.choices)

    class Meta:
        model = EnvironmentalInvestment
        fields = ["q", "enterprise", "sector", "year", "category", "source", "status"]

    def search(self, queryset, name, value):
        return queryset.search(value)
