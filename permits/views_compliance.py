"""The compliance and fee forms of a year (docs/formats/compliance-summary.md): their pages, and
their CSV and XLSX files."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View

from benxi_cp import clock, export
from benxi_cp.fields import YearField
from benxi_cp.views import PermissionMixin, mark_download
from enterprises.choices import Medium
from permits import compliance, fees
from permits.choices import LimitBasis

# What the page shows for the form's codes (the files keep the codes, as the format says).
YES_NO = {"yes": gettext_lazy("Yes"), "no": gettext_lazy("No")}
SHOWN = {
    "medium": dict(Medium.choices),
    "basis": dict(LimitBasis.choices),
    "counted": YES_NO,
    "chronic": YES_NO,
    "serious": YES_NO,
}


def shown(header: list[str], rows: list[list[str]]) -> list[list[str]]:
    """The rows as the page shows them: a code in the user's language."""
    maps = [SHOWN.get(key, {}) for key in header]
    return [[maps[i].get(cell, cell) for i, cell in enumerate(row)] for row in rows]


COLUMN_LABELS = {
    "enterprise_code": gettext_lazy("enterprise code"),
    "outlet": gettext_lazy("outlet"),
    "pollutant": gettext_lazy("pollutant"),
    "basis": pgettext_lazy("averaging", "basis"),
    "samples": gettext_lazy("samples"),
    "exceedances": gettext_lazy("exceedances"),
    "max_exceedance_pct": gettext_lazy("largest excess (%)"),
    "months_exceeded": gettext_lazy("months exceeded"),
    "chronic": gettext_lazy("chronic"),
    "serious": gettext_lazy("serious"),
    "missing": gettext_lazy("missing monitoring"),
    "permitted_t": gettext_lazy("permitted (t)"),
    "actual_t": gettext_lazy("actual (t)"),
    "share_pct": gettext_lazy("share (%)"),
    "exceeded": gettext_lazy("exceeded"),
    "medium": gettext_lazy("medium"),
    "discharge_kg": gettext_lazy("discharge (kg)"),
    "equivalent_kg": gettext_lazy("kg per equivalent"),
    "equivalents": gettext_lazy("equivalents"),
    "counted": gettext_lazy("counted"),
    "rate_yuan": gettext_lazy("rate (yuan)"),
    "tax_yuan": gettext_lazy("tax (yuan)"),
}


class YearForm(forms.Form):
    year = YearField(label=gettext_lazy("year"))


class ComplianceView(PermissionMixin, View):
    """The compliance of every permitted enterprise in a year; `?_export=csv|xlsx` the file."""

    permission_required = ("permits.view_permit", "permits.view_monitoringvalue")
    template_name = "permits/compliance.html"
    name = "compliance"
    title = gettext_lazy("Compliance with the permits")
    header = compliance.HEADER

    def csv_rows(self, year: int) -> list[list[str]]:
        return compliance.csv_rows(year)

    def get(self, request):
        form = YearForm(request.GET or {"year": clock.today().year - 1})
        rows = []
        if form.is_valid():
            year = form.cleaned_data["year"]
            rows = self.csv_rows(year)
            fmt = request.GET.get("_export")
            if fmt in export.FORMATS:
                table = [self.header, *rows]
                name = f"{self.name}-{year}"
                if fmt == "csv":
                    response = export.csv_response(table, name)
                else:
                    response = export.xlsx_response(table, name, title=str(self.title))
                return mark_download(request, response)
        return render(
            request,
            self.template_name,
            {
                "title": self.title,
                "name": self.name,
                "form": form,
                "year": form.cleaned_data.get("year") if form.is_valid() else None,
                "columns": [(key, COLUMN_LABELS[key]) for key in self.header],
                "rows": shown(self.header, rows),
            },
        )


class FeesView(ComplianceView):
    """The environmental protection tax of every enterprise in a year."""

    permission_required = ("permits.view_taxrate",)
    name = "fees"
    title = gettext_lazy("Environmental protection tax")
    header = fees.HEADER

    def csv_rows(self, year: int) -> list[list[str]]:
        return fees.csv_rows(year)
