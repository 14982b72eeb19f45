import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise


class EnterpriseTable(tables.Table):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    name_en = tables.Column(visible=False)
    state_large_medium = tables.BooleanColumn(verbose_name=_("state large/medium"))
    employees = tables.Column(attrs={"td": {"class": "text-end"}})

    class Meta:
        model = Enterprise
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
