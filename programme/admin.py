from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from benxi_cp.admin import VersionedAdminMixin

# Environmental investment ----------------------------------------------------------------
from programme.models import EnvironmentalInvestment  # noqa: E402


@admin.register(EnvironmentalInvestment)
class EnvironmentalInvestmentAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ("enterprise", "year", "project", "category", "amount_10k_yuan", "status")
    list_filter = ("category", "source", "status", "year")
    list_select_related = ("enterprise",)
    search_fields = ("project", "enterprise__code", "enterprise__name")
    raw_id_fields = ("enterprise",)
