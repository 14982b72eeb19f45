import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from benxi_cp import clock
from benxi_cp.filters import YES_NO, FilterSet
from programme.models import Body, Meeting, Member, Task, UserProfile
from programme.organisation.choices import BodyKind, MemberRole, TaskStatus
from targets.models import Department

CURRENT_CHOICES = [("current", _("Current members")), ("past", _("Past members"))]


def _department_filter(label=None):
    return django_filters.ModelChoiceFilter(
        label=label or _("department"), queryset=Department.objects.all(), to_field_name="code"
    )


def _body_filter():
    return django_filters.ModelChoiceFilter(
        label=_("body"), queryset=Body.objects.all(), to_field_name="code"
    )


class BodyFilter(FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("code or name")}),
    )
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=BodyKind.choices)

    class Meta:
        model = Body
        fields = ["q", "kind"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(code__icontains=value) | Q(name__icontains=value) | Q(name_en__icontains=value)
        )


class MemberFilter(FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("name or position")}),
    )
    body = _body_filter()
    department = _department_filter()
    role = django_filters.ChoiceFilter(label=_("role"), choices=MemberRole.choices)
    term = django_filters.ChoiceFilter(
        label=_("term"), choices=CURRENT_CHOICES, method="filter_term"
    )

    class Meta:
        model = Member
        fields = ["q", "body", "department", "role", "term"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(person_name__icontains=value) | Q(position__icontains=value))

    def filter_term(self, queryset, name, value):
        today = clock.today()
        return queryset.current(today) if value == "current" else queryset.past(today)


class MeetingFilter(FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("title, place or decisions")}),
    )
    body = _body_filter()
    year = django_filters.NumberFilter(label=_("year"), field_name="date", lookup_expr="year")

    class Meta:
        model = Meeting
        fields = ["q", "body", "year"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(title__icontains=value) | Q(place__icontains=value) | Q(decisions__icontains=value)
        )


class TaskFilter(FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("task or note")}),
    )
    department = _department_filter(_("owner department"))
    status = django_filters.ChoiceFilter(label=_("status"), choices=TaskStatus.choices)
    overdue = django_filters.BooleanFilter(
        label=_("overdue"),
        method="filter_overdue",
        widget=forms.Select(choices=YES_NO),
    )
    body = django_filters.ModelChoiceFilter(
        label=_("body"),
        queryset=Body.objects.all(),
        to_field_name="code",
        field_name="meeting__body",
    )

    class Meta:
        model = Task
        fields = ["q", "department", "status", "overdue", "body"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(text__icontains=value) | Q(note__icontains=value))

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = queryset.overdue(clock.today())
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


class UserProfileFilter(FilterSet):
    department = _department_filter()

    class Meta:
        model = UserProfile
        fields = ["department"]
