from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from enterprises.models import Enterprise, Pollutant


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "sector", "district", "state_large_medium", "cp_status")
    list_filter = ("sector", "ownership", "size", "state_large_medium", "cp_status")
    search_fields = ("code", "name", "name_en")


@admin.register(Pollutant)
class PollutantAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "unit", "medium", "position")
    list_editable = ("position",)
