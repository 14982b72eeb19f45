"""The drill-down list of enterprises behind the dashboards' counts, "as of 31 December"."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from audits.choices import AcceptingBody
from audits.models import Audit
from audits.programme import accepted_q, as_of, demonstration_q, in_programme_q
from benxi_cp import clock
from benxi_cp.filters import YES_NO, FilterSet, RecordYearFilter
from enterprises.choices import Sector
from enterprises.models import DischargeReport, Enterprise
from reports import compliance_figures, years

# A report "counts" once submitted or verified (reports/years.py says it once).
REPORTED = years.REPORTED


class ProgrammeEnterpriseFilter(FilterSet):
    """Each filter counts exactly as reports/summary.py does for the chosen year."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("code or name")}),
    )
    year = RecordYearFilter(label=_("As of 31 December of"), method="as_of_year")
    in_programme = django_filters.BooleanFilter(
        label=_("In the CP programme"),
        method="filter_in_programme",
        widget=forms.Select(choices=YES_NO),
    )
    state_large_medium = django_filters.BooleanFilter(
        label=_("state-owned large or medium"), widget=forms.Select(choices=YES_NO)
    )
    accepted_by = django_filters.ChoiceFilter(
        label=_("Audit accepted by"), choices=AcceptingBody.choices, method="filter_accepted_by"
    )
    demonstration = django_filters.BooleanFilter(
        label=_("Demonstration enterprise"),
        method="filter_demonstration",
        widget=forms.Select(choices=YES_NO),
    )
    no_report = django_filters.BooleanFilter(
        label=_("No discharge report submitted for the year"),
        method="filter_no_report",
        widget=forms.Select(choices=YES_NO),
    )
    sector = django_filters.ChoiceFilter(label=_("sector"), choices=Sector.choices)
    compliance = django_filters.ChoiceFilter(
        label=_("Compliance with the permits"),
        choices=list(compliance_figures.LABELS.items()),
        method="filter_compliance",
    )

    class Meta:
        model = Enterprise
        fields = [
            "q",
            "year",
            "in_programme",
            "state_large_medium",
            "accepted_by",
            "demonstration",
            "no_report",
            "sector",
            "compliance",
        ]

    @property
    def day(self):
        year = self.form.cleaned_data.get("year") if hasattr(self.form, "cleaned_data") else None
        return as_of(int(year) if year else years.default_year())

    def search(self, queryset, name, value):
        return queryset.search(value)

    def as_of_year(self, queryset, name, value):
        return queryset  # read by the other filters through `day`

    def _audits(self, condition):
        return Exists(Audit.objects.filter(condition, enterprise=OuterRef("pk")))

    def filter_in_programme(self, queryset, name, value):
        started = self._audits(in_programme_q(self.day))
        return queryset.filter(started if value else ~started)

    def filter_accepted_by(self, queryset, name, value):
        return queryset.filter(self._audits(accepted_q(self.day, value)))

    def filter_demonstration(self, queryset, name, value):
        named = self._audits(demonstration_q(self.day))
        return queryset.filter(named if value else ~named)

    def filter_no_report(self, queryset, name, value):
        reported = Exists(
            DischargeReport.objects.filter(
                enterprise=OuterRef("pk"), year=self.day.year, status__in=REPORTED
            )
        )
        return queryset.filter(~reported if value else reported)

    def filter_compliance(self, queryset, name, value):
        """The enterprises the dashboards count for the finding (the compliance form's rows)."""
        ids = compliance_figures.findings(self.day.year, clock.today())["ids"][value]
        return queryset.filter(pk__in=ids)
