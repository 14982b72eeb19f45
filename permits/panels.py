"""The enterprise page's panel of discharge permits, with each permit's versions, and its
environmental protection tax by year (enterprises/panels.py)."""

from django.db.models import Case, Prefetch, When

from benxi_cp import clock
from benxi_cp.panels import Panel
from enterprises.panels import PAGE
from permits import compliance, fees
from permits.choices import CaseStatus
from permits.models import EnforcementCase, MonitoringValue, Permit, PermitRevision


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


CASES_SHOWN = 10  # the enterprise's latest cases; the rest are in the case list


def cases_panel(request, enterprise):
    """The enterprise's enforcement cases: open ones first, overdue ones marked."""
    user = request.user
    if not user.has_perm("permits.view_enforcementcase"):
        return None
    cases = list(
        EnforcementCase.objects.for_user(user)
        .filter(enterprise=enterprise)
        .annotate(closed=Case(When(status=CaseStatus.CLOSED, then=1), default=0))
        .order_by("closed", "-opened_on", "-pk")[: CASES_SHOWN + 1]
    )
    return (
        "permits/panel_cases.html",
        {
            "enterprise": enterprise,
            "cases": cases[:CASES_SHOWN],
            "more": len(cases) > CASES_SHOWN,
            "today": clock.today(),
            "may_add": user.has_perm("permits.add_enforcementcase"),
        },
    )


# Registered by the app's ready() (registry.panels).
PANELS = (Panel(PAGE, permits_panel, order=35), Panel(PAGE, cases_panel, order=36))
