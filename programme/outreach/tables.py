"""The lists of events, policies and incentives (and their CSV/XLSX exports)."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from programme.models import Incentive, Policy, TrainingEvent

NUMBER = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}
NOWRAP = {"td": {"class": "text-nowrap"}}


def date_column(**kwargs) -> tables.DateColumn:
    return tables.DateColumn(format="Y-m-d", attrs=NOWRAP, **kwargs)


class TrainingEventTable(tables.Table):
    held_on = date_column()
    kind = tables.Column(attrs=NOWRAP)
    title = tables.Column(linkify=True)
    total_participants = tables.Column(
        verbose_name=_("participants"),
        attrs=NUMBER,
        order_by=("enterprise_participants",),
    )
    enterprises = tables.Column(verbose_name=_("enterprises listed"), attrs=NUMBER)

    class Meta:
        model = TrainingEvent
        fields = ["held_on", "kind", "audience", "title", "place", "organiser", "hours"]
        sequence = [
            "held_on",
            "kind",
            "audience",
            "title",
            "place",
            "organiser",
            "hours",
            "enterprises",
            "total_participants",
        ]
        attrs = {"class": "table table-sm table-hover align-middle", "id": "event-table"}
        empty_text = _("No event is recorded.")


class PolicyTable(tables.Table):
    title = tables.Column(linkify=True)
    issued_on = date_column()
    effective_on = date_column()

    class Meta:
        model = Policy
        fields = [
            "issued_on",
            "title",
            "level",
            "kind",
            "issuer",
            "number",
            "effective_on",
            "status",
        ]
        attrs = {"class": "table table-sm table-hover align-middle", "id": "policy-table"}
        empty_text = _("No policy is recorded.")


class IncentiveTable(tables.Table):
    granted_on = date_column(linkify=True)
    enterprise = tables.Column(
        linkify=lambda record: record.enterprise.get_absolute_url(),
        order_by=("enterprise__code",),
    )
    audit = tables.Column(
        linkify=lambda record: record.audit.get_absolute_url() if record.audit else None,
        order_by=("audit__ref",),
    )
    policy = tables.Column(linkify=True, order_by=("policy__title",))
    amount_10k_yuan = tables.Column(attrs=NUMBER)
    decision_number = tables.Column(attrs=NOWRAP)

    class Meta:
        model = Incentive
        fields = [
            "granted_on",
            "kind",
            "enterprise",
            "amount_10k_yuan",
            "audit",
            "policy",
            "decision_number",
        ]
        attrs = {"class": "table table-sm table-hover align-middle", "id": "incentive-table"}
        empty_text = _("No incentive is recorded.")

    def render_enterprise(self, record):
        return f"{record.enterprise.code} {record.enterprise.display_name}"

    def value_enterprise(self, record):
        return record.enterprise.code

    def value_audit(self, record):
        return record.audit.ref if record.audit else ""
