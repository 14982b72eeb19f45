"""Filters of the lists of events, policies and incentives, each with a free-text `q`."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from benxi_cp.filters import FilterSet, YearFilter
from enterprises.models import Enterprise
from enterprises.picker import EnterpriseChoiceFilter
from programme.models import Incentive, Policy, TrainingEvent
from programme.outreach.choices import (
    Audience,
    EventKind,
    IncentiveKind,
    PolicyKind,
    PolicyLevel,
    PolicyStatus,
)


def _enterprises(request):
    return Enterprise.objects.order_by("code")


def _search(queryset, name, value):
    return queryset.search(value)


class TrainingEventFilter(FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method=_search,
        widget=forms.TextInput(attrs={"placeholder": _("title, place, organiser or enterprise")}),
    )
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=EventKind.choices)
    audience = django_filters.ChoiceFilter(label=_("audience"), choices=Audience.choices)
    year = YearFilter(label=_("year"), field_name="held_on", lookup_expr="year")
    enterprise = EnterpriseChoiceFilter(
        label=_("enterprise"),
        field_name="participations__enterprise",
        distinct=True,
    )

    class Meta:
        model = TrainingEvent
        fields = ["q", "kind", "audience", "year", "enterprise"]


class PolicyFilter(FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method=_search,
        widget=forms.TextInput(attrs={"placeholder": _("title, issuer, number or summary")}),
    )
    level = django_filters.ChoiceFilter(label=_("level"), choices=PolicyLevel.choices)
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=PolicyKind.choices)
    status = django_filters.ChoiceFilter(label=_("status"), choices=PolicyStatus.choices)

    class Meta:
        model = Policy
        fields = ["q", "level", "kind", "status"]


class IncentiveFilter(FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method=_search,
        widget=forms.TextInput(attrs={"placeholder": _("decision or enterprise")}),
    )
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=IncentiveKind.choices)
    year = YearFilter(label=_("year"), field_name="granted_on", lookup_expr="year")
    enterprise = EnterpriseChoiceFilter(label=_("enterprise"))

    class Meta:
        model = Incentive
        fields = ["q", "kind", "year", "enterprise"]
