"""The enterprise page's panel of discharge permits, with each permit's versions, and its
environmental protection tax by year (enterprises/panels.py)."""

from django.db.models import Prefetch

from benxi_cp.panels import Panel
from enterprises.panels import PAGE
from permits import compliance, fees
from permits.models import MonitoringValue, Permit, PermitRevision


def permits_panel(request, enterprise):
    user = request.user
    if not user.has_perm("permits.view_permit"):
        return None
    permits = list(
        Permit.objects.for_user(user)
        .filter(enterprise=enterprise)
        .prefetch_related(
            Prefetch("revisions", queryset=PermitRevision.objects.order_by("-number"))
        )
        .order_by("-valid_from")
    )
    # The compliance of the latest year with monitoring: the outlets' exceedances and flags.
    year, exceeding = None, []
    if user.has_perm("permits.view_monitoringvalue"):
        latest = (
            MonitoringValue.objects.filter(enterprise=enterprise)
            .order_by("-measured_on")
            .values_list("measured_on", flat=True)
            .first()
        )
        if latest is not None:
            year = latest.year
            exceeding = [
                series
                for series in compliance.concentration_rows(year, enterprise_id=enterprise.pk)
                if series.exceedances or series.missing
            ]
    return (
        "permits/panel_enterprise.html",
        {
            "enterprise": enterprise,
            "permits": permits,
            "may_add": user.has_perm("permits.add_permit"),
            # The environmental protection tax by year, on the verified discharge.
            "taxes": fees.by_year(enterprise.pk) if user.has_perm("permits.view_taxrate") else [],
            "compliance_year": year,
            "exceeding": exceeding,
        },
    )


# Registered by the app's ready() (registry.panels).
PANELS = (Panel(PAGE, permits_panel, order=35),)
