"""Pages of the monitoring: the list of values (with export and import) and the EPB's grid,
which enters a month of daily means (or a day of hourly means) of one outlet's pollutant
through the same checks as the import (permits/importers.py)."""

import calendar
import datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from benxi_cp.views import ObjectListView, PermissionMixin
from permits.choices import LimitBasis
from permits.filters import MonitoringFilter
from permits.forms import (
    GRID_ROWS,
    MonitoringFormSet,
    MonitoringSeriesForm,
    limit_pollutants,
)
from permits.importers import MonitoringImporter
from permits.models import MonitoringValue
from permits.tables import MonitoringTable

SERIES_COLUMNS = {
    "enterprise_code": "enterprise",
    "outlet": "outlet",
    "pollutant": "pollutant",
    "basis": "basis",
    "method": "method",
}


class MonitoringListView(ObjectListView):
    permission_required = "permits.view_monitoringvalue"
    table_class = MonitoringTable
    filterset_class = MonitoringFilter
    title = gettext_lazy("Monitoring values")
    export_name = "monitoring"
    create_url_name = "permits:monitoring_entry"
    create_permission = "permits.add_monitoringvalue"
    import_kind = "monitoring"

    def get_queryset(self):
        return MonitoringValue.objects.for_user(self.request.user).select_related(
            "enterprise", "pollutant"
        )


def _month(text: str) -> tuple[int, int] | None:
    try:
        day = datetime.date.fromisoformat(f"{text}-01")
    except ValueError:
        return None
    return day.year, day.month


def _day(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


class MonitoringEntryView(PermissionMixin, View):
    """The grid: one outlet's pollutant on one basis; `?month=YYYY-MM` opens the days of a
    month (daily means), `?day=YYYY-MM-DD` the hours of a day (hourly means), each with the
    value stored for it."""

    permission_required = ("permits.add_monitoringvalue", "permits.change_monitoringvalue")
    template_name = "permits/monitoring_entry.html"

    def render(self, series, formset):
        return render(
            self.request,
            self.template_name,
            {"series": series, "formset": formset, "title": _("Enter monitoring values")},
        )

    def get(self, request):
        pollutants = limit_pollutants()
        series = MonitoringSeriesForm(
            initial={
                key: request.GET[key] for key in SERIES_COLUMNS.values() if key in request.GET
            },
            pollutants=pollutants,
        )
        return self.render(series, MonitoringFormSet(initial=self.rows(request), prefix="rows"))

    def rows(self, request) -> list[dict]:
        """The grid's rows: the month's days or the day's hours, with their stored values."""
        month = _month(request.GET.get("month", ""))
        day = _day(request.GET.get("day", ""))
        basis = request.GET.get("basis", LimitBasis.DAILY_MEAN)
        if basis == LimitBasis.DAILY_MEAN and month:
            days = calendar.monthrange(*month)[1]
            slots = [(datetime.date(*month, n), None) for n in range(1, days + 1)]
        elif basis == LimitBasis.HOURLY_MEAN and day:
            slots = [(day, hour) for hour in range(24)]
        else:
            return [{} for _n in range(GRID_ROWS)]
        stored = {}
        enterprise, outlet = request.GET.get("enterprise", ""), request.GET.get("outlet", "")
        if enterprise.isdigit() and outlet:
            values = MonitoringValue.objects.filter(
                enterprise_id=int(enterprise),
                outlet=outlet.strip().upper(),
                pollutant__code=request.GET.get("pollutant", ""),
                basis=basis,
                measured_on__gte=slots[0][0],
                measured_on__lte=slots[-1][0],
            )
            stored = {(v.measured_on, v.hour): v for v in values}
        rows = []
        for slot_day, hour in slots:
            text = slot_day.isoformat() if hour is None else f"{slot_day.isoformat()} {hour:02d}:00"
            value = stored.get((slot_day, hour))
            rows.append(
                {
                    "measured_at": text,
                    "value": value.value.normalize() if value else None,
                    "below_detection": value.below_detection if value else False,
                }
            )
        return rows

    def post(self, request):
        series = MonitoringSeriesForm(request.POST, pollutants=limit_pollutants())
        formset = MonitoringFormSet(request.POST, prefix="rows")
        if not (series.is_valid() and formset.is_valid()):
            return self.render(series, formset)
        fixed = {
            "enterprise_code": series.cleaned_data["enterprise"].code,
            "outlet": series.cleaned_data["outlet"],
            "pollutant": series.cleaned_data["pollutant"],
            "basis": series.cleaned_data["basis"],
            "method": series.cleaned_data["method"],
        }
        rows = []
        for number, form in enumerate(formset.forms, start=1):
            cells = form.cells()
            if cells is not None:
                rows.append((number, {**fixed, **cells}))
        if not rows:
            series.add_error(None, _("Enter at least one value."))
            return self.render(series, formset)
        result = MonitoringImporter(user=request.user).run_rows(rows)
        if not result.ok:
            for issue in result.errors:
                if 1 <= issue.row <= len(formset.forms) and issue.column in (
                    "measured_at",
                    "value",
                    "below_detection",
                ):
                    formset.forms[issue.row - 1].add_error(issue.column, issue.message)
                elif issue.column in SERIES_COLUMNS:
                    field = SERIES_COLUMNS[issue.column]
                    if issue.message not in series.errors.get(field, []):
                        series.add_error(field, issue.message)
                else:
                    series.add_error(None, str(issue))
            return self.render(series, formset)
        messages.success(
            request,
            _("Saved: %(created)s values added, %(updated)s updated.")
            % {"created": result.created, "updated": result.updated},
        )
        query = {
            "enterprise": series.cleaned_data["enterprise"].pk,
            "outlet": fixed["outlet"],
            "pollutant": fixed["pollutant"],
        }
        return redirect(f"{reverse('permits:monitoring')}?{urlencode(query)}")
