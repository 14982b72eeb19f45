import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from benxi_cp.filters import YES_NO, FilterSet, YearFilter
from enterprises import districts
from enterprises.choices import (
    CpStatus,
    FlagCode,
    Grade,
    Ownership,
    PeriodKind,
    ReportStatus,
    Sector,
    Severity,
    Size,
)
from enterprises.models import DischargeReport, Enterprise, ReliabilityFlag
from enterprises.picker import EnterpriseChoiceFilter


class EnterpriseFilter(FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("code or name")}),
    )
    sector = django_filters.ChoiceFilter(label=_("sector"), choices=Sector.choices)
    district = django_filters.CharFilter(label=_("district"), method="filter_district")
    ownership = django_filters.ChoiceFilter(label=_("ownership"), choices=Ownership.choices)
    size = django_filters.ChoiceFilter(label=_("size"), choices=Size.choices)
    state_large_medium = django_filters.BooleanFilter(
        label=_("state-owned large or medium"),
        widget=forms.Select(choices=YES_NO),
    )
    cp_status = django_filters.ChoiceFilter(label=_("CP status"), choices=CpStatus.choices)

    class Meta:
        model = Enterprise
        fields = ["q", "sector", "district", "ownership", "size", "state_large_medium", "cp_status"]

    def search(self, queryset, name, value):
        return queryset.search(value)

    def filter_district(self, queryset, name, value):
        # As recorded (Chinese) or by its English name.
        return queryset.filter(
            Q(district__icontains=value) | Q(district__in=districts.recorded_names(value))
        )


class DischargeReportFilter(FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("enterprise code or name")}),
    )
    enterprise = EnterpriseChoiceFilter(
        label=_("enterprise"),
    )
    sector = django_filters.ChoiceFilter(
        label=_("sector"), field_name="enterprise__sector", choices=Sector.choices
    )
    year = YearFilter(label=_("year"))
    period_kind = django_filters.ChoiceFilter(label=_("period"), choices=PeriodKind.choices)
    status = django_filters.ChoiceFilter(label=_("status"), choices=ReportStatus.choices)
    grade = django_filters.ChoiceFilter(label=_("reliability grade"), choices=Grade.choices)

    class Meta:
        model = DischargeReport
        fields = ["q", "enterprise", "sector", "year", "period_kind", "status", "grade"]

    def search(self, queryset, name, value):
        return queryset.search(value)


class FlagFilter(FilterSet):
    year = YearFilter(label=_("year"), field_name="report__year")
    severity = django_filters.ChoiceFilter(label=_("severity"), choices=Severity.choices)
    code = django_filters.ChoiceFilter(label=_("check"), choices=FlagCode.choices)
    sector = django_filters.ChoiceFilter(
        label=_("sector"), field_name="report__enterprise__sector", choices=Sector.choices
    )
    enterprise = EnterpriseChoiceFilter(
        label=_("enterprise"),
        field_name="report__enterprise",
    )
    status = django_filters.ChoiceFilter(
        label=_("report status"), field_name="report__status", choices=ReportStatus.choices
    )

    class Meta:
        model = ReliabilityFlag
        fields = ["year", "severity", "code", "sector", "enterprise", "status"]
