from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from benxi_cp.admin import VersionedAdminMixin
from programme.models import Body, Meeting, Member, ReminderSent, Task, UserProfile


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
