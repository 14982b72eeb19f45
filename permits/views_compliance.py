"""The compliance and fee forms of a year (docs/formats/compliance-summary.md) are annual report
forms (reports/annual.py: their page, PDF, XLSX and CSV, and the copy of record when a year
closes). The permits' menu entries and the enterprise page link here, and are sent on to
them with the year asked for."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django.views import View

from benxi_cp.views import PermissionMixin

# The reports' page of an annual form, by URL name: the reports app sits above this one.
FORM_PAGE = "reports:form"


class ComplianceView(PermissionMixin, View):
    """Sends its user to the compliance form's page, of `?year=` if given."""

    permission_required = ("permits.view_permit", "permits.view_monitoringvalue")
    name = "compliance"

    def get(self, request):
        url = reverse(FORM_PAGE, args=[self.name])
        year = request.GET.get("year", "")
        return redirect(f"{url}?{urlencode({'year': year})}" if year else url)


class FeesView(ComplianceView):
    """Sends its user to the fee form's page."""

    permission_required = ("permits.view_taxrate",)
    name = "fees"
