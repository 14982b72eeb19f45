"""The programme office's registers in the admin site."""

# Training and outreach; policies and incentives ---------------------------------------------
from django.contrib import admin  # noqa: E402
from simple_history.admin import SimpleHistoryAdmin  # noqa: E402

from benxi_cp.admin import VersionedAdminMixin  # noqa: E402
from programme.models import (  # noqa: E402
    Incentive,
    Policy,
    TrainingEvent,
    TrainingMaterial,
    TrainingParticipation,
)


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
