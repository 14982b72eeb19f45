"""Filters shared by the lists: a choice of one record among possibly thousands."""

import copy

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models.query import ModelIterable
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field

from benxi_cp.fields import YearField
from benxi_cp.sorting import by_label
from benxi_cp.validators import FIRST_YEAR, LAST_YEAR

# Up to this many records the filter is a drop-down; beyond it (a province's thousands of
# enterprises) a text box that takes the record's code, so no page renders thousands of
# <option>s on every request.
DROPDOWN_LIMIT = 200


def _first_records(queryset, limit: int) -> tuple[int, list]:
    """How many of the first `limit` records there are, and the records themselves when
    there are fewer than `limit`: one query either way.

    The rows are read as plain tuples of the model's columns and made records (as the
    queryset would) only when they are shown: beyond the limit, a province's first 201
    enterprises are not worth building.
    """
    query = queryset.query
    plain = (
        queryset._iterable_class is ModelIterable
        and not queryset._prefetch_related_lookups
        and query.select_related is False
        and not query.annotations
        and not query.extra_select
        and query.deferred_loading == (frozenset(), True)
    )
    if not plain:
        records = list(queryset[:limit])
        return len(records), records
    names = [field.attname for field in queryset.model._meta.concrete_fields]
    rows = list(queryset.values_list(*names)[:limit])
    if len(rows) >= limit:
        return len(rows), []
    from_db = queryset.model.from_db
    return len(rows), [from_db(queryset.db, names, row) for row in rows]


class CodeOrSelect(forms.Select):
    """A drop-down of the first DROPDOWN_LIMIT records, or a text box when there are more.

    Either way one query: the first DROPDOWN_LIMIT + 1 records (plus, in the text box, one
    for the code of a record chosen by id, as links give it)."""

    def get_context(self, name, value, attrs):
        field = self.choices.field
        count, records = _first_records(field.queryset, DROPDOWN_LIMIT + 1)
        if count <= DROPDOWN_LIMIT:
            choices = [("", field.empty_label)] if field.empty_label is not None else []
            choices += [(record.pk, field.label_from_instance(record)) for record in records]
            select = copy.copy(self)  # this widget keeps its field's choices for the next render
            select.choices = choices
            return super(CodeOrSelect, select).get_context(name, value, attrs)
        text = "" if value in (None, "", [None], [""]) else value
        if isinstance(text, list):
            text = text[0]
        if str(text).isdigit():
            code = field.queryset.filter(pk=text).values_list(field.code_field, flat=True).first()
            text = code or text
        widget = forms.TextInput(attrs={"placeholder": field.code_placeholder})
        return widget.get_context(name, text, {**(attrs or {}), "class": "form-control"})

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        return self._render(context["widget"]["template_name"], context, renderer)


class CodeOrChoiceField(forms.ModelChoiceField):
    """A record by its id (from links and the drop-down) or by its code (typed)."""

    widget = CodeOrSelect

    def __init__(self, *args, code_field: str = "code", code_placeholder: str = "", **kwargs):
        self.code_field = code_field
        self.code_placeholder = code_placeholder
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if text.isdigit() and int(text) < 2**31:
            try:
                return super().to_python(text)
            except ValidationError:
                pass
        match = self.queryset.filter(**{self.code_field: text}).first()
        if match is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return match


class CodeOrChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = CodeOrChoiceField


# The API's schema states the bounds the filter holds (drf-spectacular reads the override).
@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 9999})
class YearFilter(django_filters.NumberFilter):
    """The year of a date (`lookup_expr="year"`, `"year__lte"`): a whole number a date can
    have, 1–9999, so that `?year=0` or `?year=0.5` is the filter form's error, not a date
    the database layer cannot build."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)

    def get_max_validator(self):
        return None  # max_value above


@extend_schema_field({"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR})
class RecordYearFilter(django_filters.NumberFilter):
    """A year a record carries (benxi_cp.validators: FIRST_YEAR to LAST_YEAR), checked as
    a form's `YearField` checks it."""

    field_class = YearField

    def get_max_validator(self):
        return None  # validate_year


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 12})
class MonthFilter(django_filters.NumberFilter):
    """The month of a date (`field_name="<date>__month"`): a whole number 1–12, stated in the
    API's schema as the filter form holds it."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 12)
        super().__init__(*args, **kwargs)

    def get_max_validator(self):
        return None  # max_value above


# --- Localisation: one label for "no choice" in every list's filters ---


def all_label() -> str:
    """What a filter's empty choice reads: it filters nothing, so every record is shown."""
    return _("All")


YES_NO = [("", ""), ("true", gettext_lazy("Yes")), ("false", gettext_lazy("No"))]


class YesNoOrAllField(forms.NullBooleanField):
    """A yes/no filter read exactly: yes, no or all (empty); any other value ("null",
    "maybe") is refused rather than read as "all", as the API's schema states a boolean."""

    READABLE = ("", "true", "false", "True", "False", "1", "0")

    def to_python(self, value):
        if value is None or value in (True, False) or value in self.READABLE:
            return super().to_python(value)
        raise ValidationError(_("Enter a valid value."), code="invalid")

    def validate(self, value):
        pass


class FilterSet(django_filters.FilterSet):
    """The FilterSet every list's filters derive from: each drop-down's empty choice reads
    "All" in the user's language instead of Django's "---------", whatever made the choice
    (a ChoiceFilter, a record chooser, a yes/no drop-down's own list); a yes/no filter reads
    yes, no or all, and refuses anything else (`YesNoOrAllField`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for one in self.filters.values():
            if isinstance(one, django_filters.BooleanFilter):
                one.field_class = YesNoOrAllField

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            for field in form.fields.values():
                label_empty_choice(field)
                # A drop-down of records (departments, bodies, ...) in the order of its labels.
                if isinstance(field, forms.ModelChoiceField) and type(field.widget) in (
                    forms.Select,
                    forms.SelectMultiple,
                ):
                    by_label(field)
        return self._form


def label_empty_choice(field) -> None:
    label = all_label()
    if isinstance(field, forms.ModelChoiceField):
        # Read when the drop-down is drawn (CodeOrSelect, ModelChoiceIterator): no query here.
        if field.empty_label is not None:
            field.empty_label = label
        return
    if getattr(field, "empty_label", None) is not None:
        field.empty_label = label
    widget = field.widget
    if isinstance(widget, forms.Select) and not isinstance(widget, forms.SelectMultiple):
        widget.choices = [
            (value, label if value in ("", None) else text) for value, text in widget.choices
        ]
