"""The environmental investment list (and its CSV/XLSX export)."""

import django_tables2 as tables
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from programme.models import EnvironmentalInvestment

NUMBER = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}
NOWRAP = {"td": {"class": "text-nowrap"}}


class InvestmentTable(tables.Table):
    enterprise_code = tables.Column(
        verbose_name=_("enterprise code"),
        accessor="enterprise__code",
        linkify=lambda record: record.enterprise.get_absolute_url(),
        attrs=NOWRAP,
    )
    enterprise = tables.Column(
        verbose_name=_("enterprise"), accessor="enterprise__name", order_by=("enterprise__name",)
    )
    year = tables.Column(attrs=NOWRAP)
    project = tables.Column(linkify=True)
    category = tables.Column()
    amount_10k_yuan = tables.Column(attrs=NUMBER)
    source = tables.Column()
    status = tables.Column()
    note = tables.Column(visible=False)

    class Meta:
        model = EnvironmentalInvestment
        fields = (
            "enterprise_code",
            "enterprise",
            "year",
            "project",
            "category",
            "amount_10k_yuan",
            "source",
            "status",
            "note",
        )
        attrs = {"class": "table table-sm table-hover align-middle", "id": "investment-table"}
        order_by = ("-year", "enterprise_code")
        empty_text = capfirst(_("no environmental investment recorded"))
