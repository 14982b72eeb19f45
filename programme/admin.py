"""The programme office's registers in the admin site."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from benxi_cp.admin import VersionedAdminMixin
from programme.models import (
    Body,
    Incentive,
    Meeting,
    Member,
    Policy,
    ReminderSent,
    Task,
    TrainingEvent,
    TrainingMaterial,
    TrainingParticipation,
    UserProfile,
)

# Training and outreach; policies and incentives ---------------------------------------------


class ParticipationInline(admin.TabularInline):
    model = TrainingParticipation
    extra = 0
    autocomplete_fields = ["enterprise"]


class MaterialInline(admin.TabularInline):
    model = TrainingMaterial
    extra = 0
    fields = ["filename", "content_type", "size_bytes", "created"]
    readonly_fields = fields


@admin.register(TrainingEvent)
class TrainingEventAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ("held_on", "title", "kind", "audience", "hours", "other_participants")
    list_filter = ("kind", "audience")
    search_fields = ("title", "place", "organiser")
    date_hierarchy = "held_on"
    inlines = [ParticipationInline, MaterialInline]


@admin.register(Policy)
class PolicyAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ("issued_on", "title", "level", "kind", "issuer", "number", "status")
    list_filter = ("level", "kind", "status")
    search_fields = ("title", "issuer", "number")
    exclude = ("document", "document_name", "document_type", "document_size")


@admin.register(Incentive)
class IncentiveAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = (
        "granted_on",
        "kind",
        "enterprise",
        "amount_10k_yuan",
        "audit",
        "decision_number",
    )
    list_filter = ("kind",)
    search_fields = ("decision_number", "enterprise__code", "enterprise__name")
    autocomplete_fields = ["enterprise", "audit", "policy"]


# Organisation
@admin.register(Body)
class BodyAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ("code", "kind", "name", "name_en", "parent")
    list_filter = ("kind",)
    search_fields = ("code", "name", "name_en")


@admin.register(Member)
class MemberAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ("person_name", "body", "role", "department", "term_start", "term_end")
    list_filter = ("body", "role", "department")
    list_select_related = ("body", "department")
    search_fields = ("person_name", "position")


@admin.register(Meeting)
class MeetingAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ("date", "body", "title", "place")
    list_filter = ("body",)
    list_select_related = ("body",)
    date_hierarchy = "date"


@admin.register(Task)
class TaskAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ("pk", "__str__", "department", "due_date", "status", "done_date")
    list_filter = ("status", "department")
    list_select_related = ("department",)
    search_fields = ("text",)


@admin.register(UserProfile)
class UserProfileAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ("user", "department", "language")
    list_filter = ("department", "language")
    list_select_related = ("user", "department")


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    list_display = ("week", "user", "items", "sent")
    list_filter = ("week",)
    list_select_related = ("user",)
