from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from enterprises.models import (
    DischargeReport,
    DischargeValue,
    Enterprise,
    Pollutant,
    ReliabilityFlag,
    ReportUnlock,
)
from enterprises.reliability_store import refresh_reports


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "sector", "district", "state_large_medium", "cp_status")
    list_filter = ("sector", "ownership", "size", "state_large_medium", "cp_status")
    search_fields = ("code", "name", "name_en")


@admin.register(Pollutant)
class PollutantAdmin(admin.ModelAdmin):
    """Administrators extend the catalogue here; a code in use cannot be deleted (PROTECT)."""

    list_display = ("code", "name", "name_en", "unit", "medium", "position")
    list_editable = ("position",)
    search_fields = ("code", "name", "name_en")


class DischargeValueInline(admin.TabularInline):
    model = DischargeValue
    extra = 0
    autocomplete_fields = ("pollutant",)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.is_locked)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not (obj and obj.is_locked)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and obj.is_locked)


@admin.register(DischargeReport)
class DischargeReportAdmin(SimpleHistoryAdmin):
    """The workflow fields are read-only here: status changes go through the report page.

    A verified report is read-only (the model refuses changes to it in any case).
    """

    list_display = ("enterprise", "year", "period_kind", "period_number", "status", "grade")
    list_filter = ("status", "grade", "period_kind", "year")
    search_fields = ("enterprise__code", "enterprise__name")
    list_select_related = ("enterprise",)
    autocomplete_fields = ("enterprise",)
    inlines = [DischargeValueInline]
    readonly_fields = (
        "status",
        "grade",
        "submitted_at",
        "submitted_by",
        "verified_at",
        "verified_by",
        "returned_at",
        "returned_by",
        "return_reason",
    )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.is_locked)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and obj.is_locked)

    def save_model(self, request, obj, form, change):
        obj.stamp(request.user)
        super().save_model(request, obj, form, change)

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Reverting to an old version would step around the workflow and the lock.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        refresh_reports([form.instance.pk])


@admin.register(ReliabilityFlag)
class ReliabilityFlagAdmin(admin.ModelAdmin):
    list_display = ("report", "pollutant", "code", "severity")
    list_filter = ("severity", "code")
    list_select_related = ("report__enterprise", "pollutant")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReportUnlock)
class ReportUnlockAdmin(admin.ModelAdmin):
    list_display = ("report", "unlocked_by", "unlocked_at", "reason")
    list_select_related = ("report__enterprise", "unlocked_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
