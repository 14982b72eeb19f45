"""Form fields for what users type into import files and forms (docs/formats/README.md)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from benxi_cp.validators import FIRST_YEAR, LAST_YEAR, validate_year

YES = {"yes", "y", "true", "1", "是"}
NO = {"no", "n", "false", "0", "否"}


class YesNoField(forms.Field):
    """yes/no, y/n, true/false, 1/0, 是/否 (any case); empty is `None` unless required."""

    default_error_messages = {
        "invalid": _("“%(value)s” is not yes or no (use yes/no, y/n, true/false, 1/0, 是/否)"),
    }

    def __init__(self, *, default: bool | None = None, **kwargs):
        self.default = default
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, bool):
            return value
        text = str(value or "").strip().lower()
        if not text:
            return self.default
        if text in YES:
            return True
        if text in NO:
            return False
        raise forms.ValidationError(
            self.error_messages["invalid"], code="invalid", params={"value": value}
        )


class CodedChoiceField(forms.ChoiceField):
    """A coded value: accepts the code, or its Chinese or English label."""

    def __init__(self, *, choices_class, **kwargs):
        self.choices_class = choices_class
        kwargs.setdefault("choices", [("", "---------"), *choices_class.choices])
        super().__init__(**kwargs)

    def validate(self, value):
        if value and not self.valid_value(value):
            raise forms.ValidationError(
                _("“%(value)s” is not one of the codes: %(codes)s"),
                code="invalid_choice",
                params={"value": value, "codes": ", ".join(self.choices_class.values)},
            )
        super().validate(value)

    def to_python(self, value):
        text = super().to_python(value).strip()
        if not text or text in self.choices_class.values:
            return text
        folded = text.casefold()
        for code in self.choices_class.values:
            if code.casefold() == folded:
                return code
            label = self.choices_class(code).label
            for language in ("zh-hans", "en"):
                with override(language):
                    if str(label).casefold() == folded:
                        return code
        return text


SLOW = object()  # a quick parser's answer: "not a plain cell, ask the form field"


class QuickField:
    """A form field's check of one import cell, with a plain-Python path for the usual cell.

    `quick(text)` returns the cleaned value of a plain, well-formed cell (the same value the
    field would give), or SLOW for anything else, which the form field then cleans: its
    messages and its edge cases (signs, exponents, separators, labels…) stay the field's,
    while the common cell costs a regular-expression match instead of a field's clean().
    """

    def __init__(self, field: forms.Field, quick):
        self.field = field
        self.quick = quick

    def clean(self, text: str):
        value = self.quick(text)
        if value is SLOW:
            return self.field.clean(text)
        return value


class YearField(forms.IntegerField):
    """A year typed into a form or an import file, checked by `validate_year`; its input
    offers the range (min, max) to the browser."""

    default_validators = [validate_year]

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.NumberInput):
            attrs.update(min=FIRST_YEAR, max=LAST_YEAR, step=1)
        return attrs
