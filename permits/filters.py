"""The filter of the permit list (also what its export exports)."""

import datetime

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from benxi_cp import clock
from benxi_cp.filters import FilterSet, MonthFilter, RecordYearFilter
from enterprises.choices import Sector
from enterprises.models import Pollutant
from enterprises.picker import EnterpriseChoiceFilter
from permits.choices import CONCENTRATION_BASES, CaseOutcome, CaseStatus, Method
from permits.models import EnforcementCase, MonitoringValue, Permit


def pollutant_choices() -> list[tuple[str, str]]:
    return [
        (p.code, f"{p.code} {p.display_name}")
        for p in Pollutant.objects.filter(medium__in=("water", "air")).order_by("position")
    ]


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
        today = clock.today()
        if value == IN_FORCE:
            return queryset.in_force_on(today)
        if value == EXPIRED:
            return queryset.filter(valid_to__lt=today)
        return queryset.filter(valid_from__gt=today)


class MonitoringFilter(FilterSet):
    enterprise = EnterpriseChoiceFilter(label=_("enterprise"))
    outlet = django_filters.CharFilter(label=_("outlet"), method="by_outlet")
    pollutant = django_filters.ChoiceFilter(
        label=_("pollutant"), field_name="pollutant__code", choices=pollutant_choices
    )
    basis = django_filters.ChoiceFilter(
        label=pgettext_lazy("averaging", "basis"),
        choices=[(b.value, b.label) for b in CONCENTRATION_BASES],
    )
    year = RecordYearFilter(label=_("year"), field_name="measured_on__year")
    month = MonthFilter(label=_("month"), field_name="measured_on__month")
    method = django_filters.ChoiceFilter(label=_("method"), choices=Method.choices)

    class Meta:
        model = MonitoringValue
        fields = ["enterprise", "outlet", "pollutant", "basis", "year", "month", "method"]

    def by_outlet(self, queryset, name, value):
        return queryset.filter(outlet=value.strip().upper())


OVERDUE = "overdue"
STILL_OPEN = "still_open"


class CaseFilter(FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("notice, decision, summary, enterprise")}),
    )
    enterprise = EnterpriseChoiceFilter(label=_("enterprise"))
    status = django_filters.ChoiceFilter(label=_("status"), choices=CaseStatus.choices)
    state = django_filters.ChoiceFilter(
        label=_("open or overdue"),
        choices=[(STILL_OPEN, _("Not closed")), (OVERDUE, _("Overdue"))],
        method="by_state",
    )
    outcome = django_filters.ChoiceFilter(label=_("outcome"), choices=CaseOutcome.choices)
    year = RecordYearFilter(label=_("opened in"), field_name="opened_on__year")

    class Meta:
        model = EnforcementCase
        fields = ["q", "enterprise", "status", "state", "outcome", "year"]

    def search(self, queryset, name, value):
        return queryset.search(value)

    def by_state(self, queryset, name, value):
        if value == OVERDUE:
            return queryset.overdue_on(clock.today())
        return queryset.still_open()
