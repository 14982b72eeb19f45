import django_tables2 as tables
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from benxi_cp.tables import FigureColumn
from benxi_cp.units import unit_label
from enterprises import districts
from enterprises.choices import ReportStatus
from enterprises.models import DischargeReport, Enterprise, ReliabilityFlag
from enterprises.templatetags.discharge import plain_amount
from enterprises.workflow import SELECTION_GRADES


class EnterpriseTable(tables.Table):
    code = tables.Column(linkify=True)
    name = tables.Column(
        # Named here: the accessor is a property, so django-tables2 finds no field's name.
        verbose_name=capfirst(_("name")),
        linkify=True,
        accessor="display_name",
        order_by=("name",),
        attrs={"td": {"class": "text-wrap col-name"}},
    )
    name_en = tables.Column(visible=False)
    state_large_medium = tables.BooleanColumn(verbose_name=_("State large/medium"))
    employees = FigureColumn(places=0)

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

    def render_district(self, value):
        return districts.display(value)

    def value_district(self, value):
        return value  # the file keeps the district as recorded


class GradeColumn(tables.Column):
    """The grade letter as a coloured badge (its meaning on hover); the letter in exports."""

    def render(self, record, value):
        if not record.grade:
            return "—"
        return format_html(
            '<span class="badge grade grade-{}" title="{}">{}</span>',
            record.grade,
            value,
            record.grade,
        )

    def value(self, record):
        return record.grade


class StatusColumn(tables.Column):
    def render(self, record, value):
        return format_html(
            '<span class="badge report-status status-{}">{}</span>', record.status, value
        )

    def value(self, record, value):
        return value


class SelectColumn(tables.CheckBoxColumn):
    """A box to choose a submitted report of grade A or B, for verifying a selection at once
    (the form `verify-selection` on the list page); other rows have none."""

    def __init__(self, **kwargs):
        attrs = {
            "input": {"name": "report", "form": "verify-selection", "class": "form-check-input"},
            "td": {"class": "col-select"},
        }
        super().__init__(
            accessor="pk", attrs=attrs, orderable=False, exclude_from_export=True, **kwargs
        )

    @property
    def header(self):
        return self.verbose_name

    def render(self, value, bound_column, record):
        if record.status != ReportStatus.SUBMITTED or record.grade not in SELECTION_GRADES:
            return ""
        return super().render(value, bound_column, record)


class DischargeReportTable(tables.Table):
    select = SelectColumn(verbose_name=capfirst(_("choose")))
    enterprise__code = tables.Column(
        verbose_name=capfirst(_("code")),
        linkify=lambda record: record.get_absolute_url(),
        attrs={"td": {"class": "text-nowrap"}},
    )
    enterprise = tables.Column(
        verbose_name=capfirst(_("enterprise")),
        linkify=lambda record: record.get_absolute_url(),
        order_by=("enterprise__name",),
        accessor="enterprise__display_name",
    )
    sector = tables.Column(
        verbose_name=capfirst(_("sector")),
        accessor="enterprise__get_sector_display",
        order_by=("enterprise__sector",),
    )
    period = tables.Column(
        verbose_name=capfirst(_("period")),
        accessor="period_label",
        order_by=("year", "period_kind", "period_number"),
    )
    status = StatusColumn()
    grade = GradeColumn(verbose_name=capfirst(_("grade")))
    flag_count = tables.Column(
        verbose_name=capfirst(_("flags")), attrs={"td": {"class": "text-end"}}, orderable=True
    )
    output_10k_yuan = FigureColumn()
    updated = tables.DateTimeColumn(
        format="Y-m-d", verbose_name=capfirst(_("changed")), attrs={"td": {"class": "text-nowrap"}}
    )

    class Meta:
        model = DischargeReport
        fields = (
            "select",
            "enterprise__code",
            "enterprise",
            "sector",
            "period",
            "status",
            "grade",
            "flag_count",
            "output_10k_yuan",
            "updated",
        )
        order_by = ("-period", "enterprise__code")

    def render_output_10k_yuan(self, value):
        return plain_amount(value)

    def value_output_10k_yuan(self, value):
        return value


class FlagTable(tables.Table):
    severity = tables.Column(
        verbose_name=capfirst(_("severity")),
        order_by=("severity_rank",),
        attrs={"th": {"class": "text-nowrap"}},
    )
    code = tables.Column(verbose_name=capfirst(_("check")))
    enterprise = tables.Column(
        verbose_name=capfirst(_("enterprise")),
        accessor="report__enterprise",
        linkify=lambda record: record.report.enterprise.get_absolute_url(),
        order_by=("report__enterprise__code",),
    )
    report = tables.Column(
        verbose_name=capfirst(_("period")),
        accessor="report__period_label",
        linkify=lambda record: record.report.get_absolute_url(),
        order_by=("report__year", "report__period_kind", "report__period_number"),
    )
    pollutant = tables.Column(
        verbose_name=capfirst(_("pollutant")),
        accessor="pollutant__display_name",
        order_by=("pollutant__position",),
        default="—",
    )
    amount = tables.Column(
        verbose_name=capfirst(_("amount")),
        accessor="value__amount",
        attrs={"td": {"class": "text-end"}},
        default="—",
    )
    unit = tables.Column(
        verbose_name=capfirst(_("unit")),
        accessor="pollutant__unit",
        default="",
        attrs={"td": {"class": "text-nowrap"}},
    )
    message = tables.Column(verbose_name=capfirst(_("reason")), empty_values=(), orderable=False)
    report_status = tables.Column(
        verbose_name=capfirst(_("status")),
        accessor="report__get_status_display",
        orderable=False,
        attrs={"td": {"class": "text-nowrap"}},
    )

    class Meta:
        model = ReliabilityFlag
        fields = (
            "severity",
            "code",
            "enterprise",
            "report",
            "pollutant",
            "amount",
            "unit",
            "message",
            "report_status",
        )
        order_by = ("severity",)

    def render_severity(self, record, value):
        return format_html(
            '<span class="badge severity severity-{}">{}</span>', record.severity, value
        )

    def value_severity(self, value):
        return value

    def render_amount(self, value):
        return plain_amount(value)

    def render_unit(self, value):
        return unit_label(value)

    def value_unit(self, value):
        return value

    def render_message(self, record):
        return record.message

    def value_message(self, record):
        return record.message
