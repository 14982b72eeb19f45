"""The enterprise's own discharge permits, for its enterprise users (read-only): each permit
with its outlets and limits and its document, the compliance and the environmental
protection tax of a year (permits/compliance.py, permits/fees.py, computed for their
enterprises only), and the monitoring values of their outlets.

The EPB's permit pages stay the EPB's (not found for enterprise users); these read through
scoping.scope_for, with the permits' scopes of portal/access.py. Entering monitoring values
stays with the EPB's grid."""

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from benxi_cp import clock, files, scoping
from enterprises.models import Enterprise
from permits import compliance, fees, issuing
from permits.choices import LimitBasis
from permits.models import Limit, MonitoringValue, Permit
from permits.views import labelled, limit_rows
from portal.views import EnterpriseUserMixin
from reports import years

MONITORING_PAGE = 50


def chosen_year(request) -> int:
    """The ?year= asked for (400 when it is not a year, as on every page about one year),
    else the year that ended last."""
    last = clock.today().year - 1
    return years.chosen_year(request, [last], last)


def limit_groups(permit: Permit) -> list[dict]:
    """The permit's limits as its page groups them (the prefetched limits, no query)."""
    limits = [issuing.limit_row(limit) for limit in permit.portal_limits]
    return limit_rows(labelled(limits))


def labelled_series(rows: list) -> list:
    """The compliance rows with their basis's label, in the page's language."""
    for row in rows:
        row.basis_label = LimitBasis(row.basis).label
    return rows


class PortalPermitsView(EnterpriseUserMixin, TemplateView):
    """Their enterprises' permits, and the compliance and tax of a year."""

    template_name = "portal/permits.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        year = chosen_year(self.request)
        limits = Limit.objects.select_related("outlet", "pollutant").order_by(
            "outlet__code", "pollutant__code", "basis"
        )
        permits = (
            scoping.scope_for(user, Permit.objects.all())
            .prefetch_related(Prefetch("limits", queryset=limits, to_attr="portal_limits"))
            .order_by("-valid_from")
        )
        enterprises = scoping.scope_for(user, Enterprise.objects.all()).prefetch_related(
            Prefetch("permits", queryset=permits, to_attr="portal_permits")
        )
        rows = []
        for enterprise in enterprises:
            tax_lines = fees.lines(year, enterprise_id=enterprise.pk)
            rows.append(
                {
                    "enterprise": enterprise,
                    "permits": [
                        {"permit": permit, "groups": limit_groups(permit)}
                        for permit in enterprise.portal_permits
                    ],
                    "concentration": labelled_series(
                        compliance.concentration_rows(
                            year, clock.today(), enterprise_id=enterprise.pk
                        )
                    ),
                    "quantities": compliance.quantity_rows(year, enterprise_id=enterprise.pk),
                    "tax_lines": tax_lines,
                    "tax_total": sum((line.tax_yuan for line in tax_lines), start=0),
                }
            )
        return super().get_context_data(
            title=gettext_lazy("Permits and compliance"),
            rows=rows,
            year=year,
            **kwargs,
        )


class PortalMonitoringView(EnterpriseUserMixin, TemplateView):
    """The monitoring values of their outlets, latest first, by year and outlet."""

    template_name = "portal/monitoring.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        year = chosen_year(self.request)
        values = (
            scoping.scope_for(user, MonitoringValue.objects.all())
            .filter(measured_on__year=year)
            .select_related("enterprise", "pollutant")
            .order_by("-measured_on", "-hour", "outlet", "pollutant__code")
        )
        outlets = sorted(set(values.values_list("outlet", flat=True)))
        outlet = self.request.GET.get("outlet", "")
        if outlet in outlets:
            values = values.filter(outlet=outlet)
        page = Paginator(values, MONITORING_PAGE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            title=gettext_lazy("Monitoring values"),
            page=page,
            year=year,
            outlets=outlets,
            outlet=outlet if outlet in outlets else "",
            several=len(scoping.enterprise_ids(user)) > 1,  # then each row names its own
            **kwargs,
        )


class PortalPermitDocumentView(EnterpriseUserMixin, View):
    """A permit's document, for its own enterprise's users."""

    def get(self, request, pk: int):
        permit = get_object_or_404(scoping.scope_for(request.user, Permit.objects.all()), pk=pk)
        if not permit.document:
            raise Http404(_("This permit has no document."))
        return files.attachment(
            permit.document,
            permit.document_name or "permit",
            permit.document_type or "application/octet-stream",
        )
