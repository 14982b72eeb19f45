"""The enterprise page's panel of discharge permits, with each permit's versions, and its
environmental protection tax by year (enterprises/panels.py)."""

from django.db.models import Prefetch

from enterprises.panels import register_panel
from permits import fees
from permits.models import Permit, PermitRevision


@register_panel(order=35)
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
    return (
        "permits/panel_enterprise.html",
        {
            "enterprise": enterprise,
            "permits": permits,
            "may_add": user.has_perm("permits.add_permit"),
            # The environmental protection tax by year, on the verified discharge.
            "taxes": fees.by_year(enterprise.pk) if user.has_perm("permits.view_taxrate") else [],
        },
    )
