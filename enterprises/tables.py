import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise


class EnterpriseTable(tables.Table):
    code = tables.Column(linkify=True)
    name = tables.Column(
        linkify=True,
        accessor="display_name",
        order_by=("name",),
        attrs={"td": {"class": "text-wrap col-name"}},
    )
    name_en = tables.Column(visible=False)
    state_large_medium = tables.BooleanColumn(verbose_name=_("State large/medium"))
    employees = tables.Column(attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}})

    class Meta:
        model = Enterprise
        attrs = {"class": "table table-sm table-hover align-middle text-nowrap"}
        fields = (
            "code",
            "name",
            "name_en",
            "sector",
            "district",
            "ownership",
            "size",
            "state_large_medium",
            "employees",
            "cp_status",
        )
        order_by = "code"

    def value_name(self, record) -> str:
        # Exports carry the registered name; name_en has a column of its own.
        return record.name
