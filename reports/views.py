"""The reports pages: dashboards, annual forms with their downloads, charts, comparisons."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from benxi_cp.views import PermissionMixin
from reports import annual, figures, output
from reports.years import chosen_year, data_years


class YearMixin:
    """Pages about one year: ?year=, defaulting to the latest year with records."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.years = data_years()
            self.year = chosen_year(request, self.years)
            if self.year not in self.years:
                self.years = sorted({*self.years, self.year})
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(year=self.year, years=self.years, **kwargs)


class FormIndexView(PermissionMixin, YearMixin, TemplateView):
    permission_required = "reports.view_annual_forms"
    template_name = "reports/form_index.html"

    def get_context_data(self, **kwargs):
        forms = [{"name": name, "title": title} for name, (title, _build) in annual.FORMS.items()]
        return super().get_context_data(
            title=_("Annual report forms"), forms=forms, formats=output.FORMATS, **kwargs
        )


class FormMixin(PermissionMixin, YearMixin):
    permission_required = "reports.view_annual_forms"

    def get_form(self) -> annual.AnnualForm:
        if self.kwargs["name"] not in annual.FORMS:
            raise Http404(self.kwargs["name"])
        return annual.build(self.kwargs["name"], self.year)


class FormPageView(FormMixin, TemplateView):
    template_name = "reports/form_page.html"

    def get_context_data(self, **kwargs):
        form = self.get_form()
        return super().get_context_data(
            title=form.title,
            formats=output.FORMATS,
            **output.document_context(form),
            **kwargs,
        )


class FormDownloadView(FormMixin, View):
    def get(self, request, name: str, fmt: str):
        if fmt not in output.FORMATS:
            raise Http404(fmt)
        form = self.get_form()
        response = HttpResponse(output.render(form, fmt), content_type=output.CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{output.filename(form, fmt)}"'
        return response


class ChartView(PermissionMixin, View):
    """A chart as SVG; the page embeds it with <img>, so no script or style is inline."""

    permission_required = "reports.view_dashboard"

    def get(self, request, name: str):
        if name not in figures.CHARTS:
            raise Http404(name)
        default_year = None if request.GET.get("year") else data_years()[-1]
        params = figures.parse_params(request.GET, default_year)
        response = HttpResponse(
            figures.chart_svg(name, params), content_type="image/svg+xml; charset=utf-8"
        )
        # The drawing follows the records: the browser asks again rather than keep it.
        response["Cache-Control"] = "private, no-cache"
        return response
