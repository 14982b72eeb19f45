import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from targets import computations
from targets.models import Indicator


class IndicatorTable(tables.Table):
    # The code is an internal identifier (cod_total): the export's first column, on the
    # page only the name's tooltip.
    code = tables.Column(linkify=True, visible=False)
    indicator = tables.Column(
        verbose_name=_("indicator"),
        accessor="display_name",
        linkify=lambda record: record.get_absolute_url(),
        order_by=("name",),
        exclude_from_export=True,
        attrs={"a": {"title": lambda record: record.code}},
    )
    name = tables.Column(visible=False)
    name_en = tables.Column(visible=False)
    dimension = tables.Column(
        order_by=("dimension_rank", "position", "code"), attrs={"td": {"class": "text-nowrap"}}
    )
    direction = tables.Column(attrs={"td": {"class": "text-nowrap"}})
    department = tables.Column(linkify=True)
    computation = tables.Column(verbose_name=_("actual values"), empty_values=())
    targets = tables.Column(
        verbose_name=_("targets"), accessor="target_count", attrs={"td": {"class": "text-end"}}
    )

    class Meta:
        model = Indicator
        fields = ("code", "dimension", "name", "name_en", "unit", "direction", "department")
        sequence = (
            "code",
            "indicator",
            "dimension",
            "name",
            "name_en",
            "unit",
            "direction",
            "department",
            "...",
        )
        order_by = "dimension"

    def render_unit(self, record):
        return record.display_unit

    def value_unit(self, record):
        return record.unit

    def render_computation(self, value):
        computation = computations.get(value) if value else None
        if computation is not None:
            return computation.label
        return value or _("entered by hand")

    def value_computation(self, value):
        return value
