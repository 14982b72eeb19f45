from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from benxi_cp.admin import VersionedAdminMixin
from targets.models import Actual, Department, Indicator, Target


@admin.register(Department)
class DepartmentAdmin(VersionedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "name_en")
    search_fields = ("code", "name", "name_en")


@admin.register(Indicator)
class IndicatorAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ("code", "name", "dimension", "unit", "direction", "department", "computation")
    list_filter = ("dimension", "direction", "department")
    search_fields = ("code", "name", "name_en")


@admin.register(Target)
class TargetAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ("indicator", "baseline_year", "baseline_value", "goal_year", "goal_value")
    list_select_related = ("indicator",)


@admin.register(Actual)
class ActualAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ("indicator", "year", "value", "source", "note")
    list_filter = ("source", "year")
    list_select_related = ("indicator",)
