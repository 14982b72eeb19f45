"""The portal's panels on other apps' pages: the signed record of a discharge report (its
signature block, its versions and the differences between two of them) on the EPB's report
and verify pages and on the enterprise's own report page; and the enterprise's applications
for assessment or acceptance, with their status and documents, on the audit's page."""

from audits.panels import AUDIT_PAGE
from benxi_cp import panels
from enterprises.models import DischargeReport
from enterprises.panels import REPORT_PAGE
from portal import amendments, copies
from portal.models import AuditApplication


def _number(text, default: int) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        return default


def record(request, report: DischargeReport) -> dict | None:
    """The context of portal/_record.html, or None for a report never signed. The versions
    compared are the request's `from` and `to` (version numbers), else the last two."""
    versions = amendments.versions(report)
    if not versions:
        return None
    by_number = {signature.number: signature for signature in versions}
    latest = versions[-1]
    new = by_number.get(_number(request.GET.get("to"), latest.number), latest)
    old_default = versions[-2].number if len(versions) > 1 else latest.number
    old = by_number.get(_number(request.GET.get("from"), old_default), versions[0])
    if old.number > new.number:
        old, new = new, old
    return {
        "report": report,
        "versions": versions,
        "latest": latest,
        "latest_matches": latest.hash_matches(),
        "latest_method": copies.method_label(latest.method),
        "compare_from": old,
        "compare_to": new,
        "differences": amendments.differences(old, new) if old.pk != new.pk else [],
        "page_url": request.path,
    }


def record_panel(request, report: DischargeReport):
    """The signed record on the EPB's report page (and its verify page); for a report never
    signed, that no signatory of the enterprise certified it."""
    context = record(request, report)
    if context is None:
        return "portal/panels/unsigned.html", {"report": report}
    return "portal/panels/record.html", context


def applications_panel(request, audit):
    if not request.user.has_perm("audits.view_audit"):
        return None
    found = list(
        AuditApplication.objects.filter(audit=audit)
        .select_related("submitted_by", "decided_by")
        .prefetch_related("documents")
        .order_by("-submitted_at")
    )
    if not found:
        return None
    return ("portal/panel_audit.html", {"applications": found})


# Registered by the app's ready() (registry.panels).
PANELS = (
    panels.Panel(REPORT_PAGE, record_panel, order=10),
    panels.Panel(AUDIT_PAGE, applications_panel, order=15),
)
