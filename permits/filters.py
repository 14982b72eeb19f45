"""The filter of the permit list (also what its export exports)."""

import datetime

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from benxi_cp.filters import FilterSet, RecordYearFilter
from enterprises.choices import Sector
from enterprises.picker import EnterpriseChoiceFilter
from permits.models import Permit

IN_FORCE = "in_force"
EXPIRED = "expired"
FUTURE = "future"
STATES = [
    (IN_FORCE, _("In force today")),
    (EXPIRED, _("Expired")),
    (FUTURE, _("Not yet in force")),
]


class PermitFilter(FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("number, issuer or enterprise")}),
    )
    enterprise = EnterpriseChoiceFilter(label=_("enterprise"))
    sector = django_filters.ChoiceFilter(
        label=_("sector"), field_name="enterprise__sector", choices=Sector.choices
    )
    year = RecordYearFilter(label=_("in force in"), method="in_force_in")
    state = django_filters.ChoiceFilter(label=_("status"), choices=STATES, method="by_state")

    class Meta:
        model = Permit
        fields = ["q", "enterprise", "sector", "year", "state"]

    def search(self, queryset, name, value):
        return queryset.search(value)

    def in_force_in(self, queryset, name, value):
        year = int(value)
        return queryset.in_force_during(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    def by_state(self, queryset, name, value):
        today = datetime.date.today()
        if value == IN_FORCE:
            return queryset.in_force_on(today)
        if value == EXPIRED:
            return queryset.filter(valid_to__lt=today)
        return queryset.filter(valid_from__gt=today)
