"""Filters of the audits and options lists; parameter names are a contract with the reports."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from audits.choices import (
    NOT_RECORDED,
    RETAINED_STATUSES,
    AcceptingBody,
    Aspect,
    FeeClass,
    OptionStatus,
    Verdict,
)
from audits.models import Audit, Option
from audits.programme import as_of, implemented_q, in_programme_q
from benxi_cp import clock
from benxi_cp.filters import YES_NO as YES_NO_CHOICES
from benxi_cp.filters import CodeOrChoiceFilter, FilterSet, YearFilter
from enterprises.choices import Sector
from enterprises.models import Enterprise
from enterprises.picker import EnterpriseChoiceFilter

YES_NO = forms.Select(choices=YES_NO_CHOICES)
VERDICTS = [*Verdict.choices, (NOT_RECORDED, _("Not recorded"))]


def _enterprises(request):
    return Enterprise.objects.order_by("code")


def _audits(request):
    return Audit.objects.for_user(request.user).order_by("ref") if request else Audit.objects.none()


def _verdict(field: str):
    def apply(queryset, name, value):
        if value == NOT_RECORDED:
            return queryset.filter(**{field: ""})
        return queryset.filter(**{field: value}) if value else queryset

    return apply


class AuditFilter(FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("reference, enterprise or focus")}),
    )
    enterprise = EnterpriseChoiceFilter(label=_("enterprise"))
    sector = django_filters.ChoiceFilter(
        label=_("sector"), field_name="enterprise__sector", choices=Sector.choices
    )
    steps_completed = django_filters.ChoiceFilter(
        label=_("steps completed"), choices=[(n, f"{n}/8") for n in range(9)]
    )
    assessment = django_filters.ChoiceFilter(
        label=_("assessment"), choices=VERDICTS, method=_verdict("assessment")
    )
    acceptance = django_filters.ChoiceFilter(
        label=_("acceptance"), choices=VERDICTS, method=_verdict("acceptance")
    )
    accepted_by = django_filters.ChoiceFilter(label=_("accepted by"), choices=AcceptingBody.choices)
    demonstration = django_filters.BooleanFilter(label=_("demonstration enterprise"), widget=YES_NO)
    year = YearFilter(label=_("year started"), field_name="started_on", lookup_expr="year")
    # "As of 31 December": what the reports' figures count (audits/programme.py).
    started_by = YearFilter(label=_("started by the end of"), method="filter_started_by")
    # Open audits past their timetable's deadline (audits/worklist.py): the landing page's
    # "overdue audits" queue links here.
    overdue = django_filters.BooleanFilter(
        label=_("behind the timetable"), method="filter_overdue", widget=YES_NO
    )

    class Meta:
        model = Audit
        fields = [
            "q",
            "enterprise",
            "sector",
            "steps_completed",
            "assessment",
            "acceptance",
            "accepted_by",
            "demonstration",
            "year",
            "started_by",
            "overdue",
        ]

    def search(self, queryset, name, value):
        return queryset.search(value)

    def filter_started_by(self, queryset, name, value):
        return queryset.filter(in_programme_q(as_of(int(value))))

    def filter_overdue(self, queryset, name, value):
        from audits.worklist import open_audits, overdue_q, with_timetable

        late = with_timetable(open_audits(Audit.objects.all())).filter(overdue_q(clock.today()))
        return (
            queryset.filter(pk__in=late.values("pk"))
            if value
            else queryset.exclude(pk__in=late.values("pk"))
        )


class OptionFilter(FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("code, title, audit or enterprise")}),
    )
    audit = CodeOrChoiceFilter(
        label=_("audit"), queryset=_audits, code_field="ref", code_placeholder=_("reference")
    )
    enterprise = EnterpriseChoiceFilter(
        label=_("enterprise"),
        field_name="audit__enterprise",
    )
    fee_class = django_filters.ChoiceFilter(label=_("fee class"), choices=FeeClass.choices)
    aspect = django_filters.ChoiceFilter(label=_("aspect"), choices=Aspect.choices)
    status = django_filters.ChoiceFilter(label=_("status"), choices=OptionStatus.choices)
    retained = django_filters.BooleanFilter(
        label=_("retained at screening"), method="filter_retained", widget=YES_NO
    )
    sector = django_filters.ChoiceFilter(
        label=_("sector"), field_name="audit__enterprise__sector", choices=Sector.choices
    )
    implemented_year = YearFilter(
        label=_("year implemented"), field_name="implemented_on", lookup_expr="year"
    )
    # "As of 31 December": what the reports' figures count (audits/programme.py).
    started_by = YearFilter(label=_("audit started by the end of"), method="filter_started_by")
    implemented_by = YearFilter(
        label=_("implemented by the end of"), method="filter_implemented_by"
    )

    class Meta:
        model = Option
        fields = [
            "q",
            "audit",
            "enterprise",
            "fee_class",
            "aspect",
            "status",
            "retained",
            "sector",
            "implemented_year",
            "started_by",
            "implemented_by",
        ]

    def search(self, queryset, name, value):
        return queryset.search(value)

    def filter_started_by(self, queryset, name, value):
        return queryset.filter(in_programme_q(as_of(int(value)), "audit__"))

    def filter_implemented_by(self, queryset, name, value):
        return queryset.filter(implemented_q(as_of(int(value))))

    def filter_retained(self, queryset, name, value):
        if value is None:
            return queryset
        if value:
            return queryset.filter(status__in=RETAINED_STATUSES)
        return queryset.exclude(status__in=RETAINED_STATUSES)
