"""Permits in the admin site: read them there; they are written through their pages and the
import, which check each permit whole and keep its versions (permits/issuing.py)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from permits.models import (
    CaseFollowUp,
    CaseViolation,
    EnforcementCase,
    Limit,
    Outlet,
    Permit,
    PermitRevision,
    TaxEquivalent,
    TaxRate,
)


class OutletInline(admin.TabularInline):
    model = Outlet
    extra = 0
    fields = ["code", "kind", "category"]
    readonly_fields = fields
    can_delete = False


class LimitInline(admin.TabularInline):
    model = Limit
    extra = 0
    fields = ["outlet", "pollutant", "basis", "value", "unit", "monitoring"]
    readonly_fields = fields
    can_delete = False


@admin.register(Permit)
class PermitAdmin(SimpleHistoryAdmin):
    list_display = ("number", "enterprise", "valid_from", "valid_to", "revision")
    search_fields = ("number", "enterprise__code", "enterprise__name")
    readonly_fields = ("number", "enterprise", "valid_from", "valid_to", "issuer", "revision")
    exclude = ("document", "document_name", "document_type", "document_size")
    inlines = [OutletInline, LimitInline]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(PermitRevision)
class PermitRevisionAdmin(admin.ModelAdmin):
    list_display = ("permit", "number", "valid_from", "valid_to", "created", "created_by")
    readonly_fields = [field.name for field in PermitRevision._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TaxEquivalent)
class TaxEquivalentAdmin(SimpleHistoryAdmin):
    """The programme office edits the pollution equivalents, with the law it cites."""

    list_display = ("pollutant", "medium", "equivalent_kg", "law")


@admin.register(TaxRate)
class TaxRateAdmin(SimpleHistoryAdmin):
    """The programme office edits the rates per equivalent, with the law it cites."""

    list_display = ("medium", "rate_yuan", "law")


class CaseViolationInline(admin.TabularInline):
    model = CaseViolation
    extra = 0
    fields = ["kind", "year", "outlet", "pollutant", "description"]
    readonly_fields = fields
    can_delete = False


class CaseFollowUpInline(admin.TabularInline):
    model = CaseFollowUp
    extra = 0
    fields = ["checked_on", "result", "notes"]
    readonly_fields = fields
    can_delete = False


@admin.register(EnforcementCase)
class EnforcementCaseAdmin(SimpleHistoryAdmin):
    """Read the cases here; the EPB writes them on their pages (all their rules checked)."""

    list_display = ("__str__", "enterprise", "status", "deadline", "outcome")
    list_filter = ("status", "outcome")
    search_fields = ("notice_number", "decision_number", "enterprise__code", "enterprise__name")
    exclude = ("document",)
    readonly_fields = [
        field.name
        for field in EnforcementCase._meta.fields
        if field.name not in ("id", "document", "version")
    ]
    inlines = [CaseViolationInline, CaseFollowUpInline]

    def has_add_permission(self, request) -> bool:
        return False
