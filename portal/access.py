"""What an enterprise user acts for, and how each model's rows belong to an enterprise
(the stores of benxi_cp/scoping.py)."""

from benxi_cp.scoping import EnterpriseAccess, EnterpriseScope

USE_PORTAL = "portal.use_portal"


def enterprise_ids(user) -> frozenset[int]:
    """The enterprises of the user's grants that count (not revoked; signatories approved)."""
    from portal.models import Grant

    return frozenset(
        Grant.objects.active().filter(user=user).values_list("enterprise_id", flat=True)
    )


def grant_of(user, enterprise_id: int, *levels: str):
    """The user's grant for the enterprise that counts (active) at one of `levels`, or None."""
    from portal.models import Grant

    return (
        Grant.objects.active()
        .filter(user=user, enterprise_id=enterprise_id, level__in=levels)
        .order_by("pk")
        .first()
    )


def signatory_grant(user, enterprise_id: int):
    """The user's approved signatory grant for the enterprise (signing, applying), or None."""
    from portal.models import Level

    return grant_of(user, enterprise_id, Level.SIGNATORY)


def may_enter(user, enterprise_id: int) -> bool:
    """Preparers and signatories enter reports; viewers read."""
    from portal.models import Level

    return grant_of(user, enterprise_id, Level.PREPARER, Level.SIGNATORY) is not None


def record_url(record) -> str | None:
    """The portal's page of a record, for an enterprise user (benxi_cp/scoping.py): a report's
    own page, their enterprise's on "My enterprise"; None for any other record."""
    from django.urls import reverse

    label = record._meta.label_lower
    if label == "enterprises.dischargereport":
        return reverse("portal:report", args=[record.pk])
    if label == "enterprises.enterprise":
        return reverse("portal:home")
    if label == "permits.permit":
        return f"{reverse('portal:permits')}#permit-{record.pk}"
    return None


ACCESS = EnterpriseAccess(
    name="portal",
    permission=USE_PORTAL,
    enterprise_ids=enterprise_ids,
    may_enter=may_enter,
    record_url=record_url,
)

# Every model an enterprise user may read, with the lookup to its enterprise. A model not
# listed gives them no rows.
SCOPES = (
    EnterpriseScope("enterprises.enterprise", "pk"),
    EnterpriseScope("enterprises.dischargereport", "enterprise"),
    EnterpriseScope("enterprises.dischargevalue", "report__enterprise"),
    EnterpriseScope("enterprises.reliabilityflag", "report__enterprise"),
    EnterpriseScope("enterprises.annualdischarge", "enterprise"),
    EnterpriseScope("audits.audit", "enterprise"),
    EnterpriseScope("audits.auditstep", "audit__enterprise"),
    EnterpriseScope("audits.option", "audit__enterprise"),
    EnterpriseScope("programme.incentive", "enterprise"),
    EnterpriseScope("programme.environmentalinvestment", "enterprise"),
    EnterpriseScope("portal.grant", "enterprise"),
    EnterpriseScope("permits.permit", "enterprise"),
    EnterpriseScope("permits.permitrevision", "permit__enterprise"),
    EnterpriseScope("permits.outlet", "permit__enterprise"),
    EnterpriseScope("permits.limit", "permit__enterprise"),
    EnterpriseScope("permits.monitoringvalue", "enterprise"),
    EnterpriseScope("portal.auditapplication", "audit__enterprise"),
    EnterpriseScope("portal.applicationdocument", "application__audit__enterprise"),
)
