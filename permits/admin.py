"""Permits in the admin site: read them there; they are written through their pages and the
import, which check each permit whole and keep its versions (permits/issuing.py)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from permits.models import Limit, Outlet, Permit, PermitRevision, TaxEquivalent, TaxRate


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
