"""The audits' records, one module a subject: `audit` (an audit, its steps, material
balance, documents and unlocks, and the rules between them), `options` (its CP options with
their reductions and feasibility). `from audits.models import X` finds each of them here."""

from audits.models.audit import (
    BALANCE_KEPT,
    NON_NEGATIVE,
    STEP_COUNT,
    Audit,
    AuditDocument,
    AuditLocked,
    AuditQuerySet,
    AuditStep,
    AuditUnlock,
    LockedWithAudit,
    MaterialBalanceLine,
    Refusals,
    audit_scope,
    balance_required,
    document_path,
    lock_message,
    lock_suspended,
    locked_audits_q,
    step_refusal,
)
from audits.models.options import (
    Option,
    OptionFeasibility,
    OptionQuerySet,
    OptionReduction,
)
from audits.models.review import (
    CertificateReminder,
    ExpertReview,
    certificate_expiry,
    certificate_state,
)

__all__ = [
    "BALANCE_KEPT",
    "NON_NEGATIVE",
    "STEP_COUNT",
    "Audit",
    "AuditDocument",
    "AuditLocked",
    "AuditQuerySet",
    "AuditStep",
    "AuditUnlock",
    "CertificateReminder",
    "ExpertReview",
    "LockedWithAudit",
    "MaterialBalanceLine",
    "Option",
    "OptionFeasibility",
    "OptionQuerySet",
    "OptionReduction",
    "Refusals",
    "audit_scope",
    "balance_required",
    "certificate_expiry",
    "certificate_state",
    "document_path",
    "lock_message",
    "lock_suspended",
    "locked_audits_q",
    "step_refusal",
]
