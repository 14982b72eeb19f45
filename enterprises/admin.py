from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from benxi_cp.admin import VersionedAdminMixin
from benxi_cp.conflicts import is_conflict
from enterprises import ledger, locks
from enterprises.choices import Basis, PeriodKind, ReportStatus
from enterprises.models import (
    DischargeReport,
    DischargeValue,
    Enterprise,
    Pollutant,
    ReliabilityFlag,
    ReportLocked,
    ReportUnlock,
)
from enterprises.reliability_store import refresh_reports


@admin.register(Enterprise)
class EnterpriseAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ("code", "name", "sector", "district", "state_large_medium", "cp_status")
    list_filter = ("sector", "ownership", "size", "state_large_medium", "cp_status")
    search_fields = ("code", "name", "name_en")


@admin.register(Pollutant)
class PollutantAdmin(admin.ModelAdmin):
    """Administrators extend the catalogue here; a code in use cannot be deleted (PROTECT)."""

    list_display = ("code", "name", "name_en", "unit", "medium", "position")
    list_editable = ("position",)
    search_fields = ("code", "name", "name_en")


class DischargeValueInlineForm(forms.ModelForm):
    """A value added here has no basis until one is chosen, as in the entry grid."""

    basis = forms.ChoiceField(
        label=gettext_lazy("basis"), choices=[("", "---------"), *Basis.choices]
    )

    class Meta:
        model = DischargeValue
        fields = ["pollutant", "amount", "basis"]


class DischargeValueInline(admin.TabularInline):
    model = DischargeValue
    form = DischargeValueInlineForm
    extra = 0
    autocomplete_fields = ("pollutant",)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.is_locked)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not (obj and obj.is_locked)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and obj.is_locked)


@admin.register(DischargeReport)
class DischargeReportAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    """The workflow fields are read-only here: status changes go through the report page.

    A verified report is read-only (the model and the database refuse changes to it in any
    case). Every change here takes the reports' lock order (enterprises/locks.py) and keeps
    the ledger in the same transaction; a refusal becomes a message, never a server error.
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
        "entered_by",
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
        pairs = {(obj.enterprise_id, obj.year)}
        if obj.pk is not None:  # the stored pair too: the form may move the report
            pairs |= set(
                DischargeReport.objects.filter(pk=obj.pk).values_list("enterprise_id", "year")
            )
        locks.lock_pairs(pairs)
        obj._ledger_pairs = pairs
        obj.stamp(request.user)
        obj.entered_by = request.user  # who enters values here may not verify them
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        locks.lock_pairs([(obj.enterprise_id, obj.year)])
        super().delete_model(request, obj)  # the model's delete() refreshes the ledger
        annual = DischargeReport.objects.filter(
            enterprise_id=obj.enterprise_id, year=obj.year, period_kind=PeriodKind.YEAR
        )
        refresh_reports(annual.values_list("pk", flat=True))

    def delete_queryset(self, request, queryset):
        """The bulk delete action: none of the chosen reports if one of them is verified."""
        with transaction.atomic():
            pairs = set(queryset.order_by().values_list("enterprise_id", "year"))
            locks.lock_pairs(pairs)
            if queryset.filter(status=ReportStatus.VERIFIED).exists():
                raise ValidationError(
                    _("Verified reports are locked and cannot be deleted; nothing was deleted.")
                )
            super().delete_queryset(request, queryset)
            ledger.refresh(pairs)
            annual = DischargeReport.objects.filter(
                ledger.pairs_q(pairs), period_kind=PeriodKind.YEAR
            ).values_list("pk", flat=True)
            refresh_reports(annual)

    def _refused(self, request, error: Exception, url: str):
        if isinstance(error, ValidationError):
            text = " ".join(error.messages)
        elif locks.is_locked_error(error):
            text = " ".join(ReportLocked().messages)
        else:
            text = " ".join(locks.WriteConflict().messages)
        self.message_user(request, text, messages.ERROR)
        return HttpResponseRedirect(url)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (ValidationError, DatabaseError) as error:
            if isinstance(error, DatabaseError) and not (
                locks.is_locked_error(error) or is_conflict(error)
            ):
                raise
            return self._refused(request, error, request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except (ValidationError, DatabaseError) as error:
            if isinstance(error, DatabaseError) and not (
                locks.is_locked_error(error) or is_conflict(error)
            ):
                raise
            return self._refused(request, error, request.get_full_path())

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except (ValidationError, DatabaseError) as error:
            if isinstance(error, DatabaseError) and not (
                locks.is_locked_error(error) or is_conflict(error)
            ):
                raise
            return self._refused(request, error, request.get_full_path())

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Reverting to an old version would step around the workflow and the lock.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        report = form.instance
        refresh_reports([report.pk])
        ledger.refresh(getattr(report, "_ledger_pairs", {(report.enterprise_id, report.year)}))


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
