"""The base of every list's table: django-tables2, with the body rows rendered in Python.

django-tables2 renders each cell through its template: per cell it resolves the accessor,
inspects the render method's signature, recomputes the column's HTML attributes and runs a
dozen template nodes. That is most of a list page's time (25 rows × 10 columns). `Table`
renders the same cells with the same rules (the column's accessor, the model's
`get_FOO_display()` for choices, `empty_values` and `default`, `render_FOO()` /
`Column.render()`, `linkify`, the `td` attributes, localisation), but works out once per
column what django-tables2 works out per cell, and writes the rows as one string.

Tables declare `class Meta(Table.Meta)` so they get the template that uses these rows.
"""

import inspect
import re
from functools import partialmethod

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template import Template, defaultfilters
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils import formats
from django.utils.html import conditional_escape, escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django_tables2 import tables
from django_tables2.columns.base import BoundColumn, Column
from django_tables2.columns.booleancolumn import BooleanColumn
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.columns.manytomanycolumn import ManyToManyColumn
from django_tables2.columns.templatecolumn import TemplateColumn
from django_tables2.rows import BoundRow
from django_tables2.utils import Accessor, AttributeDict, computed_values, signature

TEMPLATE = "generic/table.html"


def _has_callable(value) -> bool:
    if callable(value):
        return True
    if isinstance(value, dict):
        return any(_has_callable(item) for item in value.values())
    return False


def _display_field(model: type, method_name: str):
    """The field whose Django-made `get_FOO_display()` `method_name` is, else None."""
    method = inspect.getattr_static(model, method_name, None)
    if isinstance(method, partialmethod) and method.func is models.Model._get_FIELD_display:
        return method.keywords["field"]
    return None


def _resolve(accessor: Accessor, bits: tuple, record, quiet: bool = False):
    """`accessor.resolve(record)`, with attribute lookups straight away on model instances
    (`Accessor.resolve` first tries `instance[name]`, which raises on every model)."""
    current = record
    try:
        for bit in bits:
            if not isinstance(current, models.Model):
                return accessor.resolve(record, quiet=quiet)  # dicts, lists: its own way
            try:
                current = getattr(current, bit)
            except (TypeError, AttributeError):
                return accessor.resolve(record, quiet=quiet)  # its error, or None when quiet
            if callable(current):
                if getattr(current, "alters_data", False) or getattr(
                    current, "do_not_call_in_templates", False
                ):
                    return accessor.resolve(record, quiet=quiet)
                current = current(*accessor.callable_args, **accessor.callable_kwargs)
            if current is None:
                break
    except Exception:
        if quiet:
            return None
        raise
    return current


class _Callable:
    """A function called with the subset of the cell's arguments it declares, as
    django-tables2's `call_with_appropriate` does, with the signature read once."""

    def __init__(self, function):
        self.function = function
        self.args, keywords = signature(function)
        self.takes_all = keywords is not None

    def __call__(self, arguments: dict):
        if self.takes_all:
            return self.function(**arguments)
        try:
            return self.function(**{name: arguments[name] for name in self.args})
        except KeyError:  # an argument it wants that cells do not offer: not called
            return None


# DateColumn's and DateTimeColumn's template, which `_date_render` applies in Python.
_DATE_TEMPLATE = re.compile(r'\{\{ value\|date:"([^"]*)"\|default:default \}\}')


def _date_render(date_format: str):
    """`{{ value|date:"<date_format>"|default:default }}` (DateColumn, DateTimeColumn)."""

    def render(value, bound_column):
        text = defaultfilters.date(template_localtime(value), date_format) or bound_column.default
        return render_value_in_context(text, _CONTEXT)

    return render


def _boolean_render(render):
    """`BooleanColumn.render`, once per value and model: its mark depends on nothing else
    (django-tables2 looks the field up again for every cell)."""
    marks = {}

    def cached(value, record, bound_column):
        key = (type(record), value)
        try:
            return marks[key]
        except KeyError:
            mark = marks[key] = render(value=value, record=record, bound_column=bound_column)
            return mark
        except TypeError:  # an unhashable value
            return render(value=value, record=record, bound_column=bound_column)

    return cached


def _template_column_render(column: TemplateColumn):
    """`TemplateColumn.render` with its template compiled once (django-tables2 compiles
    `template_code` again for every cell); the date columns' template in Python."""
    date_template = _DATE_TEMPLATE.fullmatch(column.template_code)
    if date_template:
        return _date_render(date_template[1])
    template = Template(column.template_code)

    def render(record, table, value, bound_column, **kwargs):
        parent_context = getattr(table, "context", Context())
        context = column.get_context_data(
            record=record, table=table, value=value, bound_column=bound_column, **kwargs
        )
        with parent_context.update(context):
            parent_context["request"] = getattr(table, "request", None)
            return template.render(parent_context)

    return render


class _ColumnRenderer:
    """One column's cells, with everything that does not depend on the row worked out once."""

    def __init__(self, table, bound_column: BoundColumn):
        self.table = table
        self.bound_column = bound_column
        self.column = column = bound_column.column
        self.accessor = Accessor(bound_column.accessor)
        path, _separator, self.remainder = self.accessor.rpartition(self.accessor.SEPARATOR)
        self.path = Accessor(path)
        self.path_bits = self.path.bits
        self.bits = self.accessor.bits
        self.display_by_model: dict[type, bool] = {}
        self.display_methods: dict[type, object] = {}
        self.displays: dict[tuple, str] = {}
        self.empty_values = column.empty_values
        self.is_many_to_many = isinstance(column, ManyToManyColumn)
        self.is_link_column_with_text = (
            isinstance(column, BaseLinkColumn) and column.text is not None
        )
        self.default = bound_column.default
        render = bound_column.render
        if (
            isinstance(column, TemplateColumn)
            and column.template_code
            and getattr(render, "__func__", None) is TemplateColumn.render
        ):
            render = _template_column_render(column)
        if getattr(render, "__func__", None) is BooleanColumn.render:
            render = _boolean_render(render)
        # Column.render returns the value: not called (nor its arguments gathered) per cell.
        self.returns_value = getattr(render, "__func__", None) is Column.render
        self.render = _Callable(render)
        self.localize = bound_column.localize
        self.link = bound_column.link
        self.link_url = None
        self.link_attrs_html = None  # the <a>'s attributes before href, when they are static
        if self.link is not None:
            if self.link.url and callable(self.link.url):
                self.link_url = _Callable(self.link.url)
            attrs = self.link.attrs or {}
            if "href" not in attrs and not _has_callable(attrs):
                html = AttributeDict(attrs).as_html()
                self.link_attrs_html = f"{html} " if html else ""
        attrs = {**table.attrs, **column.attrs}
        td = attrs.get("td", attrs.get("cell", {}))
        self.static_td = None
        if not _has_callable(td):
            bound_column.current_record = bound_column.current_value = None
            self.static_td = self._td_html()

    def _td_html(self) -> str:
        html = self.bound_column.attrs["td"].as_html()
        return f"<td {html}>" if html else "<td>"

    def _uses_display(self, record) -> bool:
        """Whether the value is `get_FOO_display()`: the field has choices (per model)."""
        key = type(record)
        known = self.display_by_model.get(key)
        if known is None:
            try:
                field = self.accessor.get_field(record)
            except FieldDoesNotExist:
                field = None
            known = bool(getattr(field, "choices", ()))
            self.display_by_model[key] = known
        return known

    def _display(self, instance, method_name: str):
        """`instance.<method_name>()`; when that is Django's `get_FOO_display()`, the label is
        looked up once per value and table (Django rebuilds, and translates, the whole choice
        list on every call)."""
        model = type(instance)
        key = (model, method_name)
        if key not in self.display_methods:
            self.display_methods[key] = _display_field(model, method_name)
        field = self.display_methods[key]
        if field is None:
            return getattr(instance, method_name)()
        raw = getattr(instance, field.attname)
        try:
            return self.displays[field, raw]
        except KeyError:
            label = self.displays[field, raw] = instance._get_FIELD_display(field)
            return label
        except TypeError:  # an unhashable value
            return instance._get_FIELD_display(field)

    def value(self, record):
        """The cell's value, or `_EMPTY`; as django-tables2's `_get_and_render_with`."""
        value = None
        remainder = self.remainder
        penultimate = _resolve(self.path, self.path_bits, record, quiet=True)
        if isinstance(penultimate, models.Model):
            if self._uses_display(record):
                method_name = f"get_{remainder}_display"
                if hasattr(penultimate, method_name):
                    value = self._display(penultimate, method_name)
                    remainder = None
            elif (
                # An accessor naming the display method itself ("enterprise__get_sector_display")
                remainder.startswith("get_")
                and remainder.endswith("_display")
                and callable(getattr(penultimate, remainder, None))
            ):
                value = self._display(penultimate, remainder)
                remainder = None
        if remainder:
            try:
                value = _resolve(self.accessor, self.bits, record)
            except Exception:  # non-field columns (django-tables2 issue #257)
                if self.is_link_column_with_text:
                    return _NO_VALUE
        if value in self.empty_values or (self.is_many_to_many and not value.exists()):
            return _EMPTY
        return value

    def cell(self, row: BoundRow) -> str:
        record = row.record
        value = self.value(record)
        if value is _EMPTY:
            content = self.default
        elif self.returns_value and self.link is None and value is not _NO_VALUE:
            content = value
        else:
            arguments = {
                "value": None if value is _NO_VALUE else value,
                "record": record,
                "column": self.column,
                "bound_column": self.bound_column,
                "bound_row": row,
                "table": self.table,
            }
            content = self.render(arguments)
            if self.link is not None:
                content = self._linked(content, arguments)
        if self.localize is None:
            if isinstance(content, str):  # what render_value_in_context does with text
                html = conditional_escape(content)
            else:
                html = render_value_in_context(content, _CONTEXT)
        else:
            text = str(formats.localize(content, use_l10n=bool(self.localize)))
            html = render_value_in_context(text, _CONTEXT)
        if self.static_td is not None:
            return self.static_td + html + "</td>"
        self.bound_column.current_record = record
        self.bound_column.current_value = content
        return self._td_html() + html + "</td>"

    def _linked(self, content, arguments: dict):
        """`linkify`: as django-tables2's `LinkTransform.__call__`."""
        if self.link_url is not None:
            href = self.link_url(arguments)
        else:
            href = self.link.compose_url(**arguments)
        if href is None:
            return content
        if self.link_attrs_html is None:
            attrs = AttributeDict(computed_values(self.link.attrs or {}, kwargs=arguments))
            attrs["href"] = href
            return format_html("<a {}>{}</a>", attrs.as_html(), content)
        href, content = conditional_escape(href), conditional_escape(content)
        return mark_safe(f'<a {self.link_attrs_html}href="{href}">{content}</a>')  # noqa: S308


_EMPTY = object()
_NO_VALUE = object()
_CONTEXT = Context(autoescape=True)


class Table(tables.Table):
    """A django-tables2 table whose body rows are rendered by `tbody_rows`."""

    class Meta:
        template_name = TEMPLATE

    def tbody_rows(self) -> str:
        """The `<tr>`s of the current page (or the empty text), as the default template's
        `table.tbody` block renders them."""
        rows = self.paginated_rows
        renderers = [_ColumnRenderer(self, column) for column in self.columns]
        parts = []
        for row in rows:
            if type(row) is not BoundRow:  # pinned rows: django-tables2's own way
                cells = "".join(self._slow_cell(column, cell) for column, cell in row.items())
            else:
                cells = "".join(renderer.cell(row) for renderer in renderers)
            attrs = row.attrs.as_html()
            parts.append(f"<tr {attrs}>{cells}</tr>" if attrs else f"<tr>{cells}</tr>")
        if not parts and self.empty_text:
            parts.append(
                format_html('<tr><td colspan="{}">{}</td></tr>', len(self.columns), self.empty_text)
            )
        return mark_safe("\n".join(parts))  # noqa: S308 - every part is escaped above

    def thead_cells(self) -> str:
        """The header row's `<th>`s, each sorting link keeping the request's other
        parameters, as the default template's `table.thead` block writes them."""
        params = dict(self.request.GET)
        cells = []
        for column in self.columns:
            attrs = column.attrs["th"].as_html()
            header = render_value_in_context(column.header, _CONTEXT)
            if column.orderable:
                params[self.prefixed_order_by_field] = column.order_by_alias.next
                href = escape("?" + urlencode(params, doseq=True))
                header = f'<a href="{href}">{header}</a>'
            cells.append(f'<th {attrs} scope="col">{header}</th>')
        return mark_safe("\n".join(cells))  # noqa: S308 - every part is escaped above

    @staticmethod
    def _slow_cell(column, cell) -> str:
        html = column.attrs["td"].as_html()
        return f"<td {html}>{render_value_in_context(cell, _CONTEXT)}</td>"
