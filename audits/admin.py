from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from audits.models import (
    Audit,
    AuditDocument,
    AuditStep,
    AuditUnlock,
    ExpertReview,
    MaterialBalanceLine,
    Option,
    OptionFeasibility,
    OptionReduction,
)
from audits.services import UnlockRefused, relock_audit, unlock_audit
from benxi_cp.admin import VersionedAdminMixin


class LockedAuditAdmin:
    """An accepted, locked audit's records are shown read-only: they cannot change or go
    until an administrator unlocks the audit (the models and the database refuse it too)."""

    def lock_audit_of(self, obj):
        return obj.lock_audit() if obj is not None else None

    def is_locked(self, obj) -> bool:
        audit = self.lock_audit_of(obj)
        return audit is not None and audit.is_locked

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self.is_locked(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self.is_locked(obj)


class StepInline(admin.TabularInline):
    model = AuditStep
    extra = 0
    can_delete = False
    fields = ("number", "status", "started_on", "completed_on", "checklist")
    readonly_fields = ("number",)

    def has_change_permission(self, request, obj=None):
        # obj is the audit: its steps are read-only while it is locked.
        locked = obj is not None and obj.is_locked
        return super().has_change_permission(request, obj) and not locked


class UnlockInline(admin.TabularInline):
    model = AuditUnlock
    extra = 0
    can_delete = False
    fields = ("unlocked_at", "unlocked_by", "reason", "relocked_at", "relocked_by")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


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
    inlines = [StepInline, UnlockInline]

    def has_delete_permission(self, request, obj=None):
        locked = obj is not None and obj.is_locked
        return super().has_delete_permission(request, obj) and not locked


class ReductionInline(admin.TabularInline):
    model = OptionReduction
    extra = 0

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not (obj and obj.audit.is_locked)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.audit.is_locked)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and obj.audit.is_locked)


@admin.register(Option)
class OptionAdmin(LockedAuditAdmin, VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = (
        "audit",
        "code",
        "title",
        "fee_class",
        "status",
        "investment_10k_yuan",
        "actual_investment_10k_yuan",
    )
    list_filter = ("fee_class", "status", "aspect")
    search_fields = ("code", "title", "audit__ref")
    raw_id_fields = ("audit",)
    inlines = [ReductionInline]


@admin.register(OptionFeasibility)
class FeasibilityAdmin(LockedAuditAdmin, VersionedAdminMixin, SimpleHistoryAdmin):
    raw_id_fields = ("option",)


@admin.register(MaterialBalanceLine)
class BalanceLineAdmin(LockedAuditAdmin, VersionedAdminMixin, admin.ModelAdmin):
    raw_id_fields = ("audit",)


admin.site.register(AuditDocument, raw_id_fields=("audit", "step"))


@admin.register(ExpertReview)
class ExpertReviewAdmin(SimpleHistoryAdmin):
    """Reviews are recorded through audits/reviews.py (the audit follows); here read-only."""

    list_display = ["audit", "stage", "reviewed_on", "score", "decision", "valid_until"]
    list_filter = ["stage", "decision"]
    raw_id_fields = ["audit"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class UnlockForm(forms.ModelForm):
    class Meta:
        model = AuditUnlock
        fields = ["audit", "reason"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        cleaned = super().clean()
        audit, reason = cleaned.get("audit"), cleaned.get("reason")
        if audit is not None and reason:
            # Checked and recorded by the one service every unlock goes through.
            try:
                self.unlock = unlock_audit(audit, self.user, reason)
            except UnlockRefused as error:
                raise forms.ValidationError(error.messages) from error
        return cleaned


@admin.register(AuditUnlock)
class AuditUnlockAdmin(admin.ModelAdmin):
    """Unlock an accepted audit with a reason (add), or lock it again (the action); the
    rows are the log and do not change otherwise."""

    list_display = ("audit", "unlocked_by", "unlocked_at", "reason", "relocked_at", "relocked_by")
    list_select_related = ("audit", "unlocked_by", "relocked_by")
    list_filter = ("relocked_at",)
    search_fields = ("audit__ref", "reason")
    raw_id_fields = ("audit",)
    actions = ["lock_again"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class WithUser(form):
            def __init__(self, *args, **inner):
                super().__init__(*args, user=request.user, **inner)

        return WithUser

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ("audit", "unlocked_by", "unlocked_at", "reason", "relocked_at", "relocked_by")
        return ()

    def has_add_permission(self, request):
        return request.user.has_perm("audits.unlock_audit")

    def has_change_permission(self, request, obj=None):
        return obj is None and request.user.has_perm("audits.unlock_audit")

    def has_delete_permission(self, request, obj=None):
        return False

    form = UnlockForm

    def save_model(self, request, obj, form, change):
        # The service has recorded the unlock (UnlockForm.clean): show that row.
        obj.pk = form.unlock.pk
        obj.unlocked_by = form.unlock.unlocked_by
        obj.unlocked_at = form.unlock.unlocked_at

    @admin.action(description=_("Lock the audits again"), permissions=["change"])
    def lock_again(self, request, queryset):
        for unlock in queryset.filter(relocked_at__isnull=True).select_related("audit"):
            try:
                relock_audit(unlock.audit, request.user)
            except UnlockRefused as error:
                self.message_user(request, error.messages[0], messages.ERROR)
