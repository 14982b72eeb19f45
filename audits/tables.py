"""The audits and options lists (and their CSV/XLSX exports)."""

import functools

import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from audits.formatting import plain
from audits.models import STEP_COUNT, Audit, Option
from benxi_cp import units
from benxi_cp.tables import FigureColumn
from enterprises.models import Pollutant

# The attribute where a list's options carry their reductions (prefetched as a list);
# without it, the option's own reductions are read.
REDUCTIONS = "reduction_list"
NUMBER = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}
NOWRAP = {"td": {"class": "text-nowrap"}}


@functools.lru_cache(maxsize=32)
def step_meter(steps: int) -> str:
    """The steps cell: eight boxes, the first `steps` of them done (the same for every row
    with that many steps, so built once)."""
    return format_html(
        '<div class="step-meter" title="{n}/{total}">{cells}</div>'
        '<span class="visually-hidden">{n}/{total}</span>',
        n=steps,
        total=STEP_COUNT,
        cells=format_html_join(
            "",
            '<span class="step-cell{}"></span>',
            ((" done" if number <= steps else "",) for number in range(1, STEP_COUNT + 1)),
        ),
    )


def reductions_of(option: Option):
    """The option's reductions: the list prefetched into REDUCTIONS, or its own."""
    reductions = getattr(option, REDUCTIONS, None)
    return option.reductions.all() if reductions is None else reductions


def date_column(**kwargs) -> tables.DateColumn:
    return tables.DateColumn(format="Y-m-d", attrs=NOWRAP, **kwargs)


class AuditTable(tables.Table):
    ref = tables.Column(linkify=True, attrs=NOWRAP)
    enterprise = tables.Column(
        linkify=lambda record: record.enterprise.get_absolute_url(),
        order_by=("enterprise__code",),
    )
    sector = tables.Column(
        verbose_name=capfirst(_("sector")),
        accessor="enterprise__get_sector_display",
        order_by=("enterprise__sector",),
    )
    started_on = date_column()
    focus = tables.Column(attrs=NOWRAP)
    steps_completed = tables.Column(attrs={"td": {"class": "text-nowrap"}})
    # Score, body and dates of the verdicts are columns of the export; on the page the
    # verdict cells show score and body (the detail shows the rest).
    assessment = tables.Column(attrs=NOWRAP)
    assessment_score = tables.Column(visible=False)
    assessed_on = date_column(visible=False)
    acceptance = tables.Column(attrs=NOWRAP)
    accepted_by = tables.Column(visible=False)
    accepted_on = date_column(visible=False)
    demonstration = tables.BooleanColumn()

    class Meta:
        model = Audit
        fields = (
            "ref",
            "enterprise",
            "sector",
            "started_on",
            "focus",
            "steps_completed",
            "assessment",
            "assessed_on",
            "assessment_score",
            "acceptance",
            "accepted_by",
            "accepted_on",
            "demonstration",
        )
        order_by = ("-started_on", "ref")
        attrs = {"class": "table table-sm table-hover align-middle", "id": "audits-table"}

    def render_steps_completed(self, value):
        return step_meter(value)

    def value_steps_completed(self, value):
        return value

    def render_assessment(self, record, value):
        if record.assessment_score is None:
            return value
        return format_html('{} <span class="text-muted">{}</span>', value, record.assessment_score)

    def value_assessment(self, record):
        return record.get_assessment_display()

    def render_acceptance(self, record, value):
        return format_html(
            '{} <span class="text-muted small">{}</span>', value, record.get_accepted_by_display()
        )

    def value_acceptance(self, record):
        return record.get_acceptance_display()

    def value_enterprise(self, record):
        return record.enterprise.code

    def render_enterprise(self, record):
        return record.enterprise.display_name


class OptionTable(tables.Table):
    # Ordered by the audit's id, not its own ordering (start date, a JOIN and a sort of every
    # option): with the code, the unique (audit, code) index gives the first page directly.
    audit = tables.Column(
        linkify=lambda record: record.audit.get_absolute_url(),
        attrs=NOWRAP,
        order_by=("audit_id",),
    )
    enterprise = tables.Column(
        verbose_name=capfirst(_("enterprise")),
        accessor="audit__enterprise",
        order_by=("audit__enterprise__code",),
        attrs={"td": {"class": "col-enterprise"}},
    )
    # In the export; on the page the sector is a filter (the table is wide enough).
    sector = tables.Column(
        verbose_name=capfirst(_("sector")),
        accessor="audit__enterprise__get_sector_display",
        visible=False,
    )
    code = tables.Column(linkify=True, attrs=NOWRAP)
    title = tables.Column(linkify=True, attrs={"td": {"class": "col-title"}})
    investment_10k_yuan = FigureColumn(places=2)
    annual_benefit_10k_yuan = FigureColumn(places=2)
    implemented_on = date_column()
    reductions = tables.Column(
        verbose_name=capfirst(_("annual reductions")),
        accessor="pk",
        orderable=False,
        exclude_from_export=True,
        attrs={"td": {"class": "small reductions-cell"}},
    )

    class Meta:
        model = Option
        fields = (
            "audit",
            "enterprise",
            "sector",
            "code",
            "title",
            "aspect",
            "fee_class",
            "status",
            "investment_10k_yuan",
            "annual_benefit_10k_yuan",
            "implemented_on",
            "reductions",
        )
        order_by = ("audit", "code")
        attrs = {"class": "table table-sm table-hover align-middle", "id": "options-table"}

    def __init__(self, *args, pollutants=None, **kwargs):
        # One hidden column per pollutant: the page shows a summary, the export a column each.
        pollutants = list(pollutants if pollutants is not None else Pollutant.objects.all())
        extra = [(f"reduction_{p.code}", ReductionColumn(p)) for p in pollutants]
        super().__init__(*args, extra_columns=extra, **kwargs)

    def render_enterprise(self, record):
        return record.audit.enterprise.display_name

    def value_enterprise(self, record):
        return record.audit.enterprise.code

    def render_reductions(self, record):
        # The pollutant by its name in the user's language; its code only as the tooltip.
        return format_html_join(
            " · ",
            '<span class="reduction text-nowrap" title="{}">{} {} {}</span>',
            (
                (
                    r.pollutant.code,
                    r.pollutant.display_name,
                    units.figure(r.amount_per_year),
                    r.pollutant.display_unit,
                )
                for r in reductions_of(record)
            ),
        )


class ReductionColumn(tables.Column):
    """One pollutant's annual reduction, from the option's prefetched reductions."""

    def __init__(self, pollutant: Pollutant):
        self.pollutant_id = pollutant.pk
        super().__init__(
            verbose_name=f"reduction_{pollutant.code} ({pollutant.unit}/a)",
            accessor="pk",
            visible=False,
            orderable=False,
        )

    def render(self, record):
        for reduction in reductions_of(record):
            if reduction.pollutant_id == self.pollutant_id:
                return plain(reduction.amount_per_year)
        return ""
