"""Pages of the target system: the overview, departments, indicators with their chart, and the
forms of the programme office (and of the EPB for environmental actual values)."""

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db.models import Count, Max, Min
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import DeleteView, TemplateView

from benxi_cp import clock, export
from benxi_cp.charts import svg_response
from benxi_cp.validators import FIRST_YEAR, LAST_YEAR, YEAR_MESSAGE
from benxi_cp.views import (
    ObjectCreateView,
    ObjectDetailView,
    ObjectListView,
    ObjectUpdateView,
    PermissionMixin,
)
from targets import computations
from targets.charts import indicator_chart
from targets.choices import Dimension, Light
from targets.filters import IndicatorFilter
from targets.forms import (
    ActualForm,
    DepartmentForm,
    IndicatorForm,
    OverviewFilterForm,
    RecomputeForm,
    TargetForm,
)
from targets.models import Actual, Department, Indicator, Target, may_write_actuals
from targets.panels import panels_for
from targets.progress import AMBER_POINTS, TargetProgress, assess, count_lights, overview
from targets.tables import IndicatorTable


def year_range() -> list[int]:
    """The years one may assess: from the first to the last year with an actual value (this
    year alone while there is none). One query."""
    span = Actual.objects.aggregate(first=Min("year"), last=Max("year"))
    if span["last"] is None:
        return [clock.today().year]
    return list(range(span["first"], span["last"] + 1))


def requested_year(request, years: list[int]) -> int:
    """`?year=` when it is a year of `years`, else the latest of them."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return years[-1]
    return year if year in years else years[-1]


def by_dimension(rows: list[TargetProgress]) -> list[dict]:
    """Rows grouped by dimension (rows come in dimension order), with each group's lights."""
    groups = []
    for dimension, group in groupby(rows, key=lambda r: r.indicator.dimension):
        group_rows = list(group)
        groups.append(
            {
                "dimension": dimension,
                "label": Dimension(dimension).label,
                "rows": group_rows,
                "lights": count_lights(group_rows),
            }
        )
    return groups


def light_summary(rows: list[TargetProgress]) -> list[dict]:
    counts = count_lights(rows)
    return [{"light": light, "label": light.label, "count": counts[light]} for light in Light]


EXPORT_HEADER = [
    gettext_lazy("dimension"),
    gettext_lazy("indicator code"),
    gettext_lazy("indicator"),
    gettext_lazy("unit"),
    gettext_lazy("direction"),
    gettext_lazy("responsible department"),
    gettext_lazy("baseline year"),
    gettext_lazy("baseline value"),
    gettext_lazy("goal year"),
    gettext_lazy("goal value"),
    gettext_lazy("year assessed"),
    gettext_lazy("year of the latest actual value"),
    gettext_lazy("latest actual value"),
    gettext_lazy("progress (%)"),
    gettext_lazy("expected by the straight line (%)"),
    gettext_lazy("on track"),
    gettext_lazy("light"),
]


def export_rows(rows: list[TargetProgress]):
    yield [str(h) for h in EXPORT_HEADER]
    for row in rows:
        indicator, target = row.indicator, row.target
        yield [
            indicator.get_dimension_display(),
            indicator.code,
            indicator.display_name,
            indicator.display_unit,
            indicator.get_direction_display(),
            indicator.department.display_name,
            target.baseline_year,
            target.baseline_value,
            target.goal_year,
            target.goal_value,
            row.year,
            row.actual_year,
            row.actual_value,
            row.progress_pct,
            row.expected_pct,
            row.on_track,
            row.light_label,
        ]


class OverviewView(PermissionMixin, TemplateView):
    """Every target with its progress, grouped by dimension; filters; CSV/XLSX export."""

    permission_required = "targets.view_target"
    template_name = "targets/overview.html"

    def get(self, request, *args, **kwargs):
        years = year_range()
        form = OverviewFilterForm(request.GET, years=years)
        fmt = request.GET.get("_export")
        if form.is_valid():
            year = form.cleaned_data["year"] or years[-1]
            department = form.cleaned_data["department"]
            dimension = form.cleaned_data["dimension"] or None
        elif fmt in export.FORMATS:
            raise Http404(_("The filter is not valid."))
        else:
            year, department, dimension = years[-1], None, None
        rows = overview(year, department=department, dimension=dimension)
        if fmt in export.FORMATS:
            name = f"targets-{year}"
            if fmt == "csv":
                return export.csv_response(export_rows(rows), name)
            return export.xlsx_response(export_rows(rows), name, title=name)
        query = request.GET.copy()
        query.pop("_export", None)
        context = self.get_context_data(
            title=_("Targets and progress"),
            form=form,
            year=year,
            department=department,
            dimension=dimension,
            groups=by_dimension(rows),
            summary=light_summary(rows),
            total=len(rows),
            amber_points=AMBER_POINTS,
            filter_query=query.urlencode(),
            may_recompute=request.user.has_perm("targets.recompute_actual"),
            may_add_indicator=request.user.has_perm("targets.add_indicator"),
        )
        return self.render_to_response(context)


class DepartmentListView(PermissionMixin, TemplateView):
    """The departments of the leading team with their indicators and their lights."""

    permission_required = "targets.view_department"
    template_name = "targets/department_list.html"

    def get_context_data(self, **kwargs):
        years = year_range()
        year = requested_year(self.request, years)
        rows = overview(year)
        lights: dict[int, dict[str, int]] = {}
        for row in rows:
            counts = lights.setdefault(row.indicator.department_id, dict.fromkeys(Light, 0))
            counts[row.light] += 1
        departments = list(Department.objects.annotate(indicator_count=Count("indicators")))
        for department in departments:
            department.lights = [
                (light, (lights.get(department.pk) or {}).get(light, 0)) for light in Light
            ]
            department.target_count = sum(n for _light, n in department.lights)
        return super().get_context_data(
            title=_("Departments and their targets"),
            departments=departments,
            year=year,
            years=list(reversed(years)),
            may_add=self.request.user.has_perm("targets.add_department"),
            **kwargs,
        )


class DepartmentDetailView(ObjectDetailView):
    """The target-and-duty list of one department."""

    permission_required = "targets.view_department"
    model = Department
    slug_field = "code"
    slug_url_kwarg = "code"
    template_name = "targets/department_detail.html"

    def get_context_data(self, **kwargs):
        years = year_range()
        year = requested_year(self.request, years)
        rows = overview(year, department=self.object)
        user = self.request.user
        return super().get_context_data(
            title=self.object.display_name,
            year=year,
            years=list(reversed(years)),
            groups=by_dimension(rows),
            summary=light_summary(rows),
            total=len(rows),
            without_targets=list(
                self.object.indicators.filter(targets__isnull=True)
                .with_dimension_rank()
                .order_by("dimension_rank", "position", "code")
            ),
            may_edit=user.has_perm("targets.change_department"),
            amber_points=AMBER_POINTS,
            panels=panels_for(self.request, self.object),
            **kwargs,
        )


class DepartmentCreateView(ObjectCreateView):
    permission_required = "targets.add_department"
    model = Department
    form_class = DepartmentForm
    title = gettext_lazy("New department")


class DepartmentUpdateView(ObjectUpdateView):
    permission_required = "targets.change_department"
    model = Department
    form_class = DepartmentForm
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()


class IndicatorListView(ObjectListView):
    permission_required = "targets.view_indicator"
    queryset = (
        Indicator.objects.select_related("department")
        .with_dimension_rank()
        .annotate(target_count=Count("targets"))
    )
    table_class = IndicatorTable
    filterset_class = IndicatorFilter
    title = gettext_lazy("Indicators")
    export_name = "indicators"
    create_url_name = "targets:indicator_create"
    create_permission = "targets.add_indicator"


class IndicatorDetailView(ObjectDetailView):
    """An indicator: its facts, targets with progress, chart and actual values."""

    permission_required = "targets.view_indicator"
    queryset = Indicator.objects.select_related("department", "updated_by")
    slug_field = "code"
    slug_url_kwarg = "code"
    template_name = "targets/indicator_detail.html"

    def get_context_data(self, **kwargs):
        indicator, user = self.object, self.request.user
        actuals = list(indicator.actuals.select_related("updated_by").order_by("year"))
        targets = list(indicator.targets.order_by("goal_year"))
        years = year_range()
        year = requested_year(self.request, years)
        values = {a.year: a.value for a in actuals}
        for target in targets:
            target.indicator = indicator  # already fetched: no query per target
        computation = computations.get(indicator.computation) if indicator.computation else None
        return super().get_context_data(
            title=indicator.display_name,
            actuals=actuals,
            progress=[assess(t, values, year) for t in targets],
            year=year,
            first_year=FIRST_YEAR,
            last_year=LAST_YEAR,
            computation=computation,
            amber_points=AMBER_POINTS,
            may_edit=user.has_perm("targets.change_indicator"),
            may_add_target=user.has_perm("targets.add_target"),
            may_change_target=user.has_perm("targets.change_target"),
            may_delete_target=user.has_perm("targets.delete_target"),
            may_add_actual=may_write_actuals(user, indicator, "add"),
            may_change_actual=may_write_actuals(user, indicator, "change"),
            may_delete_actual=user.has_perm("targets.delete_actual"),
            may_recompute=bool(indicator.computation) and user.has_perm("targets.recompute_actual"),
            **kwargs,
        )


class ChartView(PermissionMixin, View):
    """The indicator's chart as SVG."""

    permission_required = "targets.view_indicator"

    def get(self, request, code: str):
        indicator = get_object_or_404(Indicator, code=code)
        actuals = list(indicator.actuals.order_by("year"))
        targets = list(indicator.targets.order_by("goal_year"))
        return svg_response(indicator_chart(indicator, actuals, targets))


class IndicatorCreateView(ObjectCreateView):
    permission_required = "targets.add_indicator"
    model = Indicator
    form_class = IndicatorForm
    title = gettext_lazy("New indicator")


class IndicatorUpdateView(ObjectUpdateView):
    permission_required = "targets.change_indicator"
    model = Indicator
    form_class = IndicatorForm
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()


class _ForIndicatorMixin:
    """A target or an actual value created on an indicator's page: the indicator comes from
    the URL (404 when unknown) and is set on the new object before the form checks it."""

    template_name = "targets/form.html"

    def dispatch(self, request, *args, **kwargs):
        self.indicator = get_object_or_404(
            Indicator.objects.select_related("department"), code=kwargs["code"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.model(indicator=self.indicator)
        return kwargs

    def get_success_url(self) -> str:
        return self.indicator.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            indicator=self.indicator, cancel_url=self.indicator.get_absolute_url(), **kwargs
        )


class TargetCreateView(_ForIndicatorMixin, ObjectCreateView):
    permission_required = "targets.add_target"
    model = Target
    form_class = TargetForm

    @property
    def title(self) -> str:
        return _("New target for %(indicator)s") % {"indicator": self.indicator}


class TargetUpdateView(ObjectUpdateView):
    permission_required = "targets.change_target"
    queryset = Target.objects.select_related("indicator")
    form_class = TargetForm
    template_name = "targets/form.html"

    def get_success_url(self) -> str:
        return self.object.indicator.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            cancel_url=self.object.indicator.get_absolute_url(), **kwargs
        )


class ActualCreateView(_ForIndicatorMixin, ObjectCreateView):
    permission_required = "targets.add_actual"
    model = Actual
    form_class = ActualForm

    def has_permission(self) -> bool:
        # The permission, and for the EPB only an environmental indicator: 403 otherwise.
        return super().has_permission() and may_write_actuals(
            self.request.user, self.indicator, "add"
        )

    initial_from_query = ("year",)

    @property
    def title(self) -> str:
        return _("New actual value of %(indicator)s") % {"indicator": self.indicator}


class ActualUpdateView(ObjectUpdateView):
    permission_required = "targets.change_actual"
    queryset = Actual.objects.select_related("indicator")
    form_class = ActualForm
    template_name = "targets/form.html"

    def has_permission(self) -> bool:
        if not super().has_permission():
            return False
        self.object = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        return may_write_actuals(self.request.user, self.object.indicator, "change")

    def get_object(self, queryset=None):
        return self.object  # fetched once, by has_permission

    def get_success_url(self) -> str:
        return self.object.indicator.get_absolute_url()

    def get_context_data(self, **kwargs):
        notice = None
        if self.object.source == "computed":
            notice = _(
                "This value was computed from the records. Saving it makes it an entered "
                "value, which recomputation will leave alone; delete it to let the computation "
                "give the value again."
            )
        return super().get_context_data(
            notice=notice, cancel_url=self.object.indicator.get_absolute_url(), **kwargs
        )


class _DeleteView(PermissionMixin, DeleteView):
    template_name = "targets/confirm_delete.html"

    def get_success_url(self) -> str:
        return self.object.indicator.get_absolute_url()

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Deleted."))
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Delete %(object)s") % {"object": self.object},
            cancel_url=self.object.indicator.get_absolute_url(),
            **kwargs,
        )


class TargetDeleteView(_DeleteView):
    permission_required = "targets.delete_target"
    queryset = Target.objects.select_related("indicator")


class ActualDeleteView(_DeleteView):
    permission_required = "targets.delete_actual"
    queryset = Actual.objects.select_related("indicator")


@require_POST
@permission_required("targets.recompute_actual", raise_exception=True)
def recompute_view(request):
    """The recompute button: the computed indicators' values of one year, from the records."""
    form = RecomputeForm(request.POST)
    if not form.is_valid():
        messages.error(request, YEAR_MESSAGE)
        return redirect("targets:overview")
    year = form.cleaned_data["year"]
    summary = computations.recompute(year, user=request.user)
    messages.success(
        request,
        _(
            "Recomputed %(year)s: %(created)s new, %(updated)s changed, %(removed)s removed "
            "(their records are gone), %(unchanged)s unchanged; %(kept)s entered values kept; "
            "%(no_data)s without records."
        )
        % {
            "year": year,
            "created": len(summary.created),
            "updated": len(summary.updated),
            "removed": len(summary.removed),
            "unchanged": len(summary.unchanged),
            "kept": len(summary.kept_entered),
            "no_data": len(summary.no_data),
        },
    )
    if summary.unknown:
        messages.warning(
            request,
            _("These indicators name a computation that does not exist: %(codes)s")
            % {"codes": ", ".join(summary.unknown)},
        )
    target = form.cleaned_data["next"]
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(f"{reverse('targets:overview')}?year={year}")
