"""The audit page's panel of the enterprise's applications for assessment or acceptance
(audits/panels.py, AUDIT_PAGE), with their status and documents."""

from portal.models import AuditApplication


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
