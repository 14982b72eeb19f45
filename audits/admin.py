from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from audits.models import (
    Audit,
    AuditDocument,
    AuditStep,
    MaterialBalanceLine,
    Option,
    OptionFeasibility,
    OptionReduction,
)
from benxi_cp.admin import VersionedAdminMixin


class StepInline(admin.TabularInline):
    model = AuditStep
    extra = 0
    can_delete = False
    fields = ("number", "status", "started_on", "completed_on", "checklist")
    readonly_fields = ("number",)


@admin.register(Audit)
class AuditAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = (
        "ref",
        "enterprise",
        "started_on",
        "steps_completed",
        "assessment",
        "acceptance",
    )
    list_filter = ("assessment", "acceptance", "accepted_by", "demonstration")
    search_fields = ("ref", "enterprise__code", "enterprise__name", "focus")
    autocomplete_fields = ("enterprise",)
    filter_horizontal = ("team",)
    inlines = [StepInline]


class ReductionInline(admin.TabularInline):
    model = OptionReduction
    extra = 0


@admin.register(Option)
class OptionAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ("audit", "code", "title", "fee_class", "status", "investment_10k_yuan")
    list_filter = ("fee_class", "status", "aspect")
    search_fields = ("code", "title", "audit__ref")
    raw_id_fields = ("audit",)
    inlines = [ReductionInline]


@admin.register(OptionFeasibility)
class OptionFeasibilityAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    raw_id_fields = ("option",)


@admin.register(MaterialBalanceLine)
class MaterialBalanceLineAdmin(VersionedAdminMixin, admin.ModelAdmin):
    raw_id_fields = ("audit",)


admin.site.register(AuditDocument, raw_id_fields=("audit", "step"))
