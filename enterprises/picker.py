"""Choosing an enterprise among thousands: a type-ahead box wherever an enterprise is chosen.

The box is a text input (`EnterprisePicker`) that takes the enterprise's code, or its Chinese
or English name; the field (`EnterpriseField`) finds the enterprise it names, so that the form
works without scripts as a plain input with its validation. With scripts,
static/js/enterprise-picker.js offers the enterprises that match what is typed, from
`lookup()` behind `enterprises:lookup`: one query, a limited list, on PostgreSQL served by the
indexes of migration 0012_enterprise_lookup_indexes (a prefix index on the code, trigram
indexes on the code and the names).
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise, enterprise_match

# How many enterprises the list offers: enough to choose from, few enough to read.
LOOKUP_LIMIT = 12


def lookup(text: str, queryset: QuerySet | None = None, limit: int = LOOKUP_LIMIT) -> list:
    """The enterprises whose code starts with `text` (first), then those whose code, Chinese
    or English name holds it, by code; at most `limit`, in one query."""
    text = text.strip()
    if not text:
        return []
    queryset = Enterprise.objects.all() if queryset is None else queryset
    prefix = Q(code__startswith=text) | Q(code__startswith=text.upper())
    # The prefix only orders: a code that starts with the text holds it too.
    return list(
        queryset.filter(enterprise_match(text))
        .annotate(
            first=Case(When(prefix, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("first", "code")
        .only("pk", "code", "name", "name_en")[:limit]
    )


def as_choice(enterprise: Enterprise) -> dict:
    """An enterprise as the list shows it (the name in the user's language)."""
    return {
        "id": enterprise.pk,
        "code": enterprise.code,
        "name": enterprise.display_name,
    }


class EnterprisePicker(forms.TextInput):
    """A text box for an enterprise's code or name; the script turns it into a type-ahead
    list. The value shown is the chosen enterprise's code, its name under the box."""

    template_name = "enterprises/widgets/picker.html"

    def __init__(self, attrs=None):
        defaults = {
            "autocomplete": "off",
            "spellcheck": "false",
            "placeholder": _("code or name"),
            "data-enterprise-picker": "",
            "data-none": _("No enterprise has this code or name."),
        }
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value):
        """The code of the enterprise `value` names (its id, as forms and links give it)."""
        enterprise = self._enterprise(value)
        if enterprise is not None:
            return enterprise.code
        return super().format_value(value)

    def _enterprise(self, value) -> Enterprise | None:
        """The enterprise a value names (an id or a code): one query, once per value."""
        if isinstance(value, Enterprise):
            return value
        if value in (None, ""):
            return None
        text = str(value).strip()
        memo = self.__dict__.setdefault("_found", {})
        if text not in memo:
            queryset = Enterprise.objects.only("pk", "code", "name", "name_en")
            by_id = Q(pk=int(text)) if text.isdigit() and int(text) < 2**31 else Q(pk=None)
            found = list(queryset.filter(by_id | Q(code=text))[:2])
            # An id wins over a code that is all digits (links give ids).
            memo[text] = next((e for e in found if str(e.pk) == text), found[0] if found else None)
        return memo[text]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        enterprise = self._enterprise(value)
        widget = context["widget"]
        widget["attrs"]["data-lookup-url"] = reverse("enterprises:lookup")
        widget["attrs"].setdefault("class", "form-control")
        widget["chosen"] = enterprise.display_name if enterprise is not None else ""
        return context


class EnterpriseField(forms.ModelChoiceField):
    """An enterprise by its id (links), its code, or its Chinese or English name (typed)."""

    widget = EnterprisePicker
    default_error_messages = {
        "invalid_choice": _(
            "No enterprise has this code or name: type its code, or part of its name and "
            "choose it from the list."
        ),
        "ambiguous": _("Several enterprises have this name: give the code."),
    }

    def __init__(self, queryset=None, **kwargs):
        if queryset is None:
            queryset = Enterprise.objects.all()
        kwargs.setdefault("empty_label", None)
        super().__init__(queryset=queryset, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Enterprise):
            return value
        text = str(value).strip()
        if text.isdigit() and int(text) < 2**31:
            found = self.queryset.filter(pk=text).first()
            if found is not None:
                return found
        found = (
            self.queryset.filter(code=text).first()
            or self.queryset.filter(code=text.upper()).first()
        )
        if found is not None:
            return found
        named = list(self.queryset.filter(Q(name=text) | Q(name_en__iexact=text))[:2])
        if len(named) == 1:
            return named[0]
        if named:
            raise ValidationError(self.error_messages["ambiguous"], code="ambiguous")
        raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")

    def prepare_value(self, value):
        if isinstance(value, Enterprise):
            return value.pk
        return value

    def has_changed(self, initial, data) -> bool:
        try:
            chosen = self.to_python(data)
        except ValidationError:
            return True
        initial = initial.pk if isinstance(initial, Enterprise) else initial
        return (chosen.pk if chosen is not None else None) != (
            int(initial) if str(initial or "").isdigit() else None
        )


def _enterprises(request) -> QuerySet:
    return Enterprise.objects.all()


class EnterpriseChoiceFilter(django_filters.ModelChoiceFilter):
    """A list's filter by enterprise: the same box and field as the forms' (an id from a
    link, a code or a name typed, a choice from the list)."""

    field_class = EnterpriseField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", _enterprises)
        super().__init__(*args, **kwargs)
