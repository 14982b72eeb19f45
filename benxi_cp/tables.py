"""Columns every app's tables share."""

import django_tables2 as tables

from benxi_cp import units

NUMBER_ATTRS = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}}


class FigureColumn(tables.Column):
    """A number as people read it on the page (12,345; 1,234.50) and as the raw number in
    the CSV/XLSX export, so that a spreadsheet can still add it up."""

    def __init__(self, *args, places: int | None = None, **kwargs):
        self.places = places
        kwargs.setdefault("attrs", NUMBER_ATTRS)
        super().__init__(*args, **kwargs)

    def render(self, value):
        return units.figure(value, self.places)

    def value(self, value):
        return value
