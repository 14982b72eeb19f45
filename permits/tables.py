"""The permit list (and its CSV/XLSX export)."""

import django_tables2 as tables
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from benxi_cp import clock
from permits.models import EnforcementCase, MonitoringValue, Permit

NUMBER = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}
NOWRAP = {"td": {"class": "text-nowrap"}}


class PermitTable(tables.Table):
    number = tables.Column(linkify=True, attrs=NOWRAP)
    enterprise_code = tables.Column(
        verbose_name=_("enterprise code"),
        accessor="enterprise__code",
        linkify=lambda record: record.enterprise.get_absolute_url(),
        attrs=NOWRAP,
    )
    enterprise = tables.Column(
        verbose_name=_("enterprise"), accessor="enterprise__name", order_by=("enterprise__name",)
    )
    valid_from = tables.DateColumn(format="Y-m-d", attrs=NOWRAP)
    valid_to = tables.DateColumn(format="Y-m-d", attrs=NOWRAP)
    issuer = tables.Column()
    outlet_count = tables.Column(verbose_name=_("outlets"), attrs=NUMBER)
    limit_count = tables.Column(verbose_name=_("limits"), attrs=NUMBER)
    revision = tables.Column(attrs=NUMBER)

    class Meta:
        model = Permit
        fields = (
            "number",
            "enterprise_code",
            "enterprise",
            "valid_from",
            "valid_to",
            "issuer",
            "outlet_count",
            "limit_count",
            "revision",
        )
        attrs = {"class": "table table-sm table-hover align-middle", "id": "permit-table"}
        order_by = ("enterprise_code", "-valid_from")
        empty_text = capfirst(_("no permits recorded"))


class MonitoringTable(tables.Table):
    enterprise_code = tables.Column(
        verbose_name=_("enterprise code"),
        accessor="enterprise__code",
        linkify=lambda record: record.enterprise.get_absolute_url(),
        attrs=NOWRAP,
    )
    outlet = tables.Column(attrs=NOWRAP)
    pollutant = tables.Column(accessor="pollutant__code", verbose_name=_("pollutant"))
    basis = tables.Column()
    measured_at = tables.Column(
        verbose_name=_("measured at"),
        accessor="measured_at_text",
        order_by=("measured_on", "hour"),
        attrs=NOWRAP,
    )
    value = tables.Column(attrs=NUMBER)
    below_detection = tables.BooleanColumn()
    method = tables.Column()

    class Meta:
        model = MonitoringValue
        fields = (
            "enterprise_code",
            "outlet",
            "pollutant",
            "basis",
            "measured_at",
            "value",
            "below_detection",
            "method",
        )
        attrs = {"class": "table table-sm table-hover align-middle", "id": "monitoring-table"}
        order_by = ("-measured_at",)
        empty_text = capfirst(_("no monitoring values recorded"))


class CaseTable(tables.Table):
    """The enforcement cases, overdue ones marked."""

    notice_number = tables.Column(
        verbose_name=_("case"),
        accessor="pk",
        linkify=True,
        attrs=NOWRAP,
        order_by=("notice_number", "pk"),
    )
    enterprise_code = tables.Column(
        verbose_name=_("enterprise code"),
        accessor="enterprise__code",
        linkify=lambda record: record.enterprise.get_absolute_url(),
        attrs=NOWRAP,
    )
    enterprise = tables.Column(
        verbose_name=_("enterprise"), accessor="enterprise__name", order_by=("enterprise__name",)
    )
    summary = tables.Column()
    opened_on = tables.DateColumn(format="Y-m-d", attrs=NOWRAP)
    status = tables.Column()
    deadline = tables.DateColumn(format="Y-m-d", attrs=NOWRAP)
    outcome = tables.Column()
    penalty_yuan = tables.Column(attrs=NUMBER)

    class Meta:
        model = EnforcementCase
        fields = (
            "notice_number",
            "enterprise_code",
            "enterprise",
            "summary",
            "opened_on",
            "status",
            "deadline",
            "outcome",
            "penalty_yuan",
        )
        attrs = {"class": "table table-sm table-hover align-middle", "id": "case-table"}
        row_attrs = {"class": lambda record: _overdue_class(record)}
        order_by = ("-opened_on",)
        empty_text = capfirst(_("no enforcement cases recorded"))

    def render_notice_number(self, record) -> str:
        return str(record)

    def value_notice_number(self, record) -> str:
        return str(record)


def _overdue_class(record) -> str:
    return "table-danger" if record.is_overdue(clock.today()) else ""
