"""The reports pages: dashboards, annual forms with their downloads, charts, comparisons."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from audits.choices import AcceptingBody
from benxi_cp import jobs
from benxi_cp.charts import svg_http_response
from benxi_cp.models import Job
from benxi_cp.validators import in_range
from benxi_cp.views import ObjectListView, PermissionMixin, mark_download
from enterprises.choices import ReportStatus, Sector
from enterprises.models import Enterprise, Pollutant
from enterprises.tables import EnterpriseTable
from reports import (
    annual,
    claims,
    closing,
    compliance_figures,
    dashboards,
    figures,
    links,
    output,
    trends,
)
from reports import jobs as report_jobs
from reports.choices import FORM_NUMBERS, CopyFormat
from reports.filters import ProgrammeEnterpriseFilter
from reports.forms import ReopenForm
from reports.models import RecordCopy, YearClosing
from reports.years import chosen_year, data_years, default_year, years_and_default


class YearMixin:
    """Pages about one year: ?year=, else the year every page opens on (default_year)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.years, default = years_and_default()
            self.year = chosen_year(request, self.years, default)
            if self.year not in self.years:
                self.years = sorted({*self.years, self.year})
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(year=self.year, years=self.years, **kwargs)


class FormIndexView(PermissionMixin, YearMixin, TemplateView):
    permission_required = "reports.view_annual_forms"
    template_name = "reports/form_index.html"

    def get_context_data(self, **kwargs):
        forms = [
            {"name": name, "title": title, "number": FORM_NUMBERS.get(name, "")}
            for name, (title, _build) in annual.FORMS.items()
            if annual.may_read(self.request.user, name)
        ]
        return super().get_context_data(
            title=_("Annual report forms"), forms=forms, formats=output.FORMATS, **kwargs
        )


class FormMixin(PermissionMixin, YearMixin):
    permission_required = "reports.view_annual_forms"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["name"] not in annual.FORMS:
            raise Http404(kwargs["name"])
        return super().dispatch(request, *args, **kwargs)

    def chosen_volume(self) -> tuple[annual.Volume, list[str]]:
        """The volume asked for (?district=, ?sector=) and what is wrong with it: with a
        problem, the whole form (and the problem said on the page)."""
        volume = annual.Volume(
            self.request.GET.get("district", "").strip(), self.request.GET.get("sector", "").strip()
        )
        if not volume:
            return volume, []
        problems = annual.volume_problems(volume, self.kwargs["name"], self.districts())
        return (annual.WHOLE if problems else volume), problems

    def districts(self) -> list[str]:
        """The districts the register records (one query, once a request)."""
        if not hasattr(self, "_districts"):
            self._districts = annual.recorded_districts()
        return self._districts

    def get_permission_required(self):
        return (self.permission_required, *annual.FORM_PERMISSIONS.get(self.kwargs["name"], ()))


class FormPageView(FormMixin, TemplateView):
    """The form on screen: its head, a page of each table's rows (output.PAGE_ROWS, with the
    table's totals and links to its other pages) and its sign-off; the whole form is in the
    downloads (at province scale it has tens of thousands of rows). Its rows are written
    once per change of what it reads and per day (benxi_cp.datacache), cut into pages."""

    template_name = "reports/form_page.html"

    def get_context_data(self, **kwargs):
        name, year, today = self.kwargs["name"], self.year, timezone.localdate()
        volume, problems = self.chosen_volume()
        parts = output.form_page(
            name, year, today, output.PAGE_ROWS, volume.district, volume.sector
        )
        context = {**parts, "tables": [self.page_of(table) for table in parts["tables"]]}
        html = render_to_string("reports/_form_document.html", context)
        query = urlencode({"year": year, **volume.params()})
        return super().get_context_data(
            title=parts["form"]["full_title"],
            form=parts["form"],
            record=record_context(name, year),
            document=mark_safe(html),  # noqa: S308 (our own template's output)
            formats=output.FORMATS,
            download_query=query,
            volume_filter=self.volume_filter(name, volume),
            volume_problems=problems,
            volumes=parts["volumes"],
            keep=volume.params(),
            **kwargs,
        )

    def volume_filter(self, name: str, volume: annual.Volume) -> dict | None:
        """The choices of the volume filter (the register's districts, the sectors) of a form
        printed in volumes (one query)."""
        if name not in annual.VOLUME_FORMS:
            return None
        return {
            "districts": [
                (district, annual.district_label(district)) for district in self.districts()
            ],
            "sectors": Sector.choices,
            "district": volume.district,
            "sector": volume.sector,
        }

    def page_of(self, table: dict) -> dict:
        """The table with the page of rows asked for (?page-<table>=n; the first page for a
        number that is not one, the last for one past the end) and the links to the others."""
        parameter = f"page-{table['table']['key']}"
        paginator = Paginator(table["pages"], 1)
        page = paginator.get_page(self.request.GET.get(parameter))
        item = {
            **table,
            "rows": table["rows_count"],
            "body": mark_safe(page.object_list[0] if table["pages"] else ""),  # noqa: S308
            "pager": None,
        }
        if paginator.num_pages > 1:
            query = self.request.GET.copy()
            links = []
            for number in paginator.get_elided_page_range(page.number, on_each_side=2):
                if number == paginator.ELLIPSIS:
                    links.append({"number": number, "href": None})
                    continue
                query[parameter] = number
                links.append(
                    {
                        "number": number,
                        "href": f"?{query.urlencode()}#table-{table['table']['key']}",
                        "current": number == page.number,
                    }
                )
            item["pager"] = {"page": page.number, "pages": paginator.num_pages, "links": links}
        return item


def record_context(name: str, year: int) -> dict | None:
    """The year's latest closing, the form's copy of record and what differs from it."""
    latest = closing.latest(year)
    if latest is None:
        return None
    try:
        differences, altered = closing.differences(latest, name), ""
    except ValidationError as error:
        if error.code != "altered":
            raise
        # Its bytes no longer match their SHA-256: the app's message, nothing compared.
        differences, altered = None, error.messages[0]
    return {
        "closing": latest,
        "copies": list(latest.copies.filter(form=name).defer("content").order_by("fmt")),
        "differences": differences,
        "altered": altered,
    }


class FormDownloadView(FormMixin, View):
    """The form as PDF, XLSX or CSV, produced once per change of what it reads and per day.
    For a year with many records (reports/jobs.py) the file is made by the background
    worker: the user follows its progress page and gets the file there."""

    def get(self, request, name: str, fmt: str):
        if fmt not in output.FORMATS:
            raise Http404(fmt)
        year = self.year
        volume, problems = self.chosen_volume()
        if problems:
            # Not the whole form under a volume's name: back to the page, which says why.
            for problem in problems:
                messages.error(request, problem)
            page = reverse("reports:form", args=[name])
            return redirect(f"{page}?{urlencode({'year': year})}")
        if report_jobs.in_background(year):
            params = {"name": name, "year": year, "fmt": fmt, **volume.params()}
            job = jobs.submit(request.user, report_jobs.FORM_EXPORT, params, once=True)
            return mark_download(request, redirect(job))
        content = report_jobs.form_file(name, year, fmt, volume=volume)
        response = HttpResponse(content, content_type=output.CONTENT_TYPES[fmt])
        response["Content-Disposition"] = content_disposition_header(
            True, output.filename(name, year, fmt, volume)
        )
        return mark_download(request, response)


class ChartView(PermissionMixin, View):
    """A chart as SVG; the page embeds it with <img>, so no script or style is inline."""

    permission_required = "reports.view_dashboard"

    def get(self, request, name: str):
        if name not in figures.CHARTS:
            raise Http404(name)
        year = None if request.GET.get("year") else default_year()
        params = figures.parse_params(request.GET, year)
        return svg_http_response(
            figures.chart_svg(name, params), content_type="image/svg+xml; charset=utf-8"
        )


class DashboardView(PermissionMixin, YearMixin, TemplateView):
    """The leading team's page: the programme at a glance for the year they pick."""

    permission_required = "reports.view_dashboard"
    template_name = "reports/dashboard.html"

    def get_context_data(self, **kwargs):
        year = self.year
        context = dashboards.leadership(year)
        context["charts"] = [
            {
                "title": _("City COD discharge per year"),
                "src": links.chart("city-discharge", year, pollutant="COD"),
                "url": links.trends(year, pollutant="COD"),
            },
            {
                "title": _("City SO2 discharge per year"),
                "src": links.chart("city-discharge", year, pollutant="SO2"),
                "url": links.trends(year, pollutant="SO2"),
            },
            {
                "title": _("Investment per year: CP options and environmental investment"),
                "src": links.chart("investment", year),
                "url": links.options(year, implemented=True),
            },
            {
                "title": _("Options implemented by aspect and fee class"),
                "src": links.chart("options", year),
                "url": links.form("options", year),
            },
        ]
        context["targets_chart"] = links.chart("targets", year, dimension="environmental")
        context["training"] = dashboards.training(year)
        context["office"] = dashboards.incentives_and_investment(year)
        if annual.may_read(self.request.user, "compliance"):
            context["compliance"] = dashboards.compliance_section(year, self.request.user)
        return super().get_context_data(title=_("Programme dashboard"), **context, **kwargs)


class EpbDashboardView(PermissionMixin, YearMixin, TemplateView):
    """The EPB's page: work queues, missing reports and claimed versus measured."""

    permission_required = "reports.view_epb_dashboard"
    template_name = "reports/epb_dashboard.html"

    def get_context_data(self, **kwargs):
        if annual.may_read(self.request.user, "compliance"):
            kwargs["compliance"] = dashboards.compliance_section(self.year, self.request.user)
        return super().get_context_data(
            title=_("EPB dashboard"), **dashboards.epb(self.year), **kwargs
        )


class ClaimsView(PermissionMixin, YearMixin, TemplateView):
    """Claimed reductions beside measured change, per enterprise and for the city."""

    permission_required = "reports.view_dashboard"
    template_name = "reports/claims.html"

    def get_context_data(self, **kwargs):
        code = self.request.GET.get("pollutant", "").upper()
        data = claims.page(self.year, code, self.request.GET.get("page"))
        return super().get_context_data(
            title=_("Claimed and measured reductions"),
            **data,
            pollutant_code=code,
            threshold=claims.LARGE_GAP_PCT,
            material=claims.MATERIAL_PCT,
            **kwargs,
        )


class TrendsView(PermissionMixin, YearMixin, TemplateView):
    """Discharge per year of the city, a sector or one enterprise, with the figures."""

    permission_required = "reports.view_dashboard"
    template_name = "reports/trends.html"

    def get_context_data(self, **kwargs):
        params = figures.parse_params(self.request.GET, self.year)
        pollutant = params.pollutant or Pollutant.objects.get(code="COD")
        series = trends.discharge_by_year(
            pollutant,
            self.year,
            enterprise_id=params.enterprise.pk if params.enterprise else None,
            sector=params.sector or None,
        )
        chart_params = {
            "pollutant": pollutant.code,
            "enterprise": params.enterprise.pk if params.enterprise else "",
            "sector": params.sector,
        }
        name = "discharge" if params.enterprise or params.sector else "city-discharge"
        rows = [
            {
                "year": row.year,
                "total": row.total,
                "reporting": row.reporting,
                "pending": row.pending,
                "url": links.reports(
                    year=row.year,
                    status=ReportStatus.VERIFIED if row.complete else "",
                    enterprise=params.enterprise.pk if params.enterprise else "",
                    sector=params.sector,
                ),
            }
            for row in series
        ]
        return super().get_context_data(
            title=_("Discharge per year"),
            pollutant=pollutant,
            pollutants=Pollutant.objects.all(),
            sectors=Sector.choices,
            enterprise=params.enterprise,
            sector=params.sector,
            sector_label=dict(Sector.choices).get(params.sector, ""),
            chart_src=links.chart(name, self.year, **chart_params),
            rows=rows,
            **kwargs,
        )


class ProgrammeEnterpriseListView(ObjectListView):
    """The enterprises behind a dashboard count, filtered as of 31 December of a year."""

    permission_required = "enterprises.view_enterprise"
    queryset = Enterprise.objects.all()
    table_class = EnterpriseTable
    filterset_class = ProgrammeEnterpriseFilter
    title = _("Enterprises")
    export_name = "programme-enterprises"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = list_title(context.get("filter"))
        return context


def list_title(filterset) -> str:
    """The drill-down list's title, saying what its filters chose."""
    data = getattr(getattr(filterset, "form", None), "cleaned_data", None) or {}
    chosen = {
        True: _("Enterprises in the CP programme"),
        False: _("Enterprises not in the CP programme"),
    }.get(data.get("in_programme"), _("Enterprises of the register"))
    parts = []
    if data.get("demonstration") is True:
        parts.append(_("demonstration enterprises"))
    elif data.get("demonstration") is False:
        parts.append(_("not demonstration enterprises"))
    if data.get("accepted_by"):
        parts.append(
            _("audit accepted by %(body)s") % {"body": AcceptingBody(data["accepted_by"]).label}
        )
    if data.get("state_large_medium") is True:
        parts.append(_("state-owned large or medium"))
    if data.get("no_report") is True:
        parts.append(_("no discharge report submitted for the year"))
    elif data.get("no_report") is False:
        parts.append(_("a discharge report submitted for the year"))
    if data.get("sector"):
        parts.append(str(Sector(data["sector"]).label))
    if data.get("compliance"):
        parts.append(str(compliance_figures.LABELS[data["compliance"]]).lower())
    title = "; ".join([str(chosen), *map(str, parts)])
    if data.get("year"):
        title = _("%(title)s, as of 31 December %(year)s") % {"title": title, "year": data["year"]}
    return title


# Closing years -----------------------------------------------------------------------------


class YearListView(PermissionMixin, TemplateView):
    """Every year of the records with its state: open, closed (by whom, when) or reopened."""

    permission_required = "reports.view_annual_forms"
    template_name = "reports/year_list.html"

    def get_context_data(self, **kwargs):
        latest = {}
        for item in YearClosing.objects.order_by("year", "closed_at", "pk"):
            latest[item.year] = item
        years = sorted({*data_years(), *latest}, reverse=True)
        rows = [{"year": year, "closing": latest.get(year)} for year in years]
        return super().get_context_data(title=_("Closing of years"), rows=rows, **kwargs)


class YearView(PermissionMixin, TemplateView):
    """One year: what blocks its closing, its copy of record, closing and reopening."""

    permission_required = "reports.view_annual_forms"
    template_name = "reports/year.html"

    def get_context_data(self, **kwargs):
        year = self.kwargs["year"]
        if not in_range(year):
            raise Http404(year)
        history = list(YearClosing.objects.filter(year=year).order_by("-closed_at", "-pk"))
        latest = history[0] if history else None
        in_force = latest if latest is not None and latest.is_closed else None
        copies = []
        changed = {}
        if latest is not None:
            copies = list(
                latest.copies.defer("content").order_by("form", "fmt").select_related("closing")
            )
            changed = closing.changed_forms(latest)
        forms = [
            {
                "name": name,
                "title": title,
                "copies": [c for c in copies if c.form == name],
                "changed": 0 if changed.get(name) == closing.ALTERED else changed.get(name, 0),
                "altered": closing.altered_message()
                if changed.get(name) == closing.ALTERED
                else "",
            }
            for name, (title, _build) in annual.FORMS.items()
            if annual.may_read(self.request.user, name)
        ]
        may_close = self.request.user.has_perm("reports.close_year")
        closing_job = jobs.under_way(report_jobs.CLOSE_YEAR, year=year)
        return super().get_context_data(
            title=_("Closing of %(year)s") % {"year": year},
            year=year,
            history=history,
            latest=latest,
            in_force=in_force,
            blockers=[] if in_force else closing.blockers(year),
            forms=forms,
            may_close=may_close,
            closing_job=closing_job,
            reopen_form=kwargs.get("reopen_form") or ReopenForm(),
            **{k: v for k, v in kwargs.items() if k not in ("reopen_form", "year")},
        )


class CloseYearView(PermissionMixin, View):
    """POST: close the year and keep its copy of record, as a background job (rendering the
    five forms takes a while): its progress page follows it. A job already finished (the
    immediate backend of the tests) leads back to the year, as does its page when done."""

    permission_required = "reports.close_year"

    def post(self, request, year: int):
        waiting = jobs.under_way(report_jobs.CLOSE_YEAR, year=year)
        if waiting is not None and waiting.user_id != request.user.pk:
            messages.warning(
                request,
                _("A closing of %(year)s is under way, asked for by %(who)s.")
                % {"year": year, "who": waiting.user.get_username()},
            )
            return redirect("reports:year", year)
        job = jobs.submit(request.user, report_jobs.CLOSE_YEAR, {"year": year}, once=True)
        if job.status == Job.Status.DONE:
            messages.success(request, closed_message(year))
        elif job.status == Job.Status.REFUSED:
            for message in job.messages:
                messages.error(request, message)
        else:
            return redirect(job)
        return redirect("reports:year", year)


def closed_message(year: int) -> str:
    return _("%(year)s is closed; its copy of record is kept below.") % {"year": year}


class ReopenYearView(PermissionMixin, View):
    """POST: reopen the closed year, with a reason."""

    permission_required = "reports.close_year"

    def post(self, request, year: int):
        form = ReopenForm(request.POST)
        if form.is_valid():
            try:
                closing.reopen(year, request.user, form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _(
                        "%(year)s is reopened. Its forms show each figure that differs from "
                        "the copy of record."
                    )
                    % {"year": year},
                )
                return redirect("reports:year", year)
        page = YearView()
        page.setup(request, year=year)
        context = page.get_context_data(reopen_form=form)
        return render(request, page.template_name, context, status=400)


class RecordCopyView(PermissionMixin, View):
    """A file of a copy of record, as it was kept: checked against its SHA-256."""

    permission_required = "reports.view_annual_forms"

    def get(self, request, year: int, pk: int):
        copy = get_object_or_404(RecordCopy.objects.select_related("closing"), pk=pk)
        if copy.closing.year != year:
            raise Http404(pk)
        if not annual.may_read(request.user, copy.form):
            raise PermissionDenied
        try:
            content = closing.verified_content(copy)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("reports:year", year)
        content_type = (
            "application/json" if copy.fmt == CopyFormat.JSON else output.CONTENT_TYPES[copy.fmt]
        )
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{copy.filename}"'
        response["X-Content-SHA256"] = copy.sha256
        return response
