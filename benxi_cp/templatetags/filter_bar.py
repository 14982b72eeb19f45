"""The filter bar of the lists: crispy-forms' Bootstrap 5 field markup, written in Python.

crispy's `|crispy` renders four templates per field (bootstrap5/field.html and the help text
and errors it includes); a filter bar of ten fields was forty template renders. This writes
the same markup that bootstrap5/field.html writes for inputs and drop-downs, with crispy's
own `crispy_field` tag setting the widget's classes; checkboxes, radio buttons, files and
multi-part fields, whose markup differs, go through crispy's `as_crispy_field` itself.
"""

from crispy_forms.templatetags.crispy_forms_field import CrispyFieldNode
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.template.context import Context
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

# crispy's {% crispy_field field 'class' '…' %}, one node per class list.
_WIDGET_CLASSES = {
    (select, invalid): CrispyFieldNode(
        "field", {"'class'": f"'{base}{' is-invalid' if invalid else ''}'"}
    )
    for select, base in ((True, "form-select"), (False, "form-control"))
    for invalid in (True, False)
}


def _crispy_markup(field) -> bool:
    """Fields whose markup bootstrap5/field.html writes differently (crispy renders them)."""
    widget = field.field.widget
    return field.use_fieldset or isinstance(
        widget, (forms.CheckboxInput, forms.RadioSelect, forms.FileInput, forms.MultiWidget)
    )


def _field(field) -> str:
    """bootstrap5/field.html (with its help text and errors) for an input or a drop-down."""
    required = field.field.required
    auto_id = conditional_escape(field.auto_id)
    css_classes = field.css_classes()
    extra = f" {conditional_escape(css_classes)}" if css_classes else ""
    parts = [f'<div id="div_{auto_id}" class="mb-3{extra}">']
    if field.label:
        target = field.id_for_label
        label_for = f' for="{conditional_escape(target)}"' if target else ""
        label_class = "form-label requiredField" if required else "form-label"
        asterisk = '<span class="asteriskField">*</span>' if required else ""
        parts.append(
            f'<label{label_for} class="{label_class}">{conditional_escape(field.label)}'
            f"{asterisk}</label>"
        )
    errors = field.errors
    select = isinstance(field.field.widget, forms.Select)
    parts.append(_WIDGET_CLASSES[select, bool(errors)].render(Context({"field": field})))
    if errors:
        messages = format_html_join(
            "",
            '<p id="error_{}_{}"><strong>{}</strong></p>',
            ((number, auto_id, error) for number, error in enumerate(errors, start=1)),
        )
        error_id = conditional_escape(errors.field_id)
        parts.append(f'<div id="{error_id}_error" class="invalid-feedback">{messages}</div>')
    if field.help_text:  # |safe, as crispy writes it
        helptext_id = f'id="{auto_id}_helptext" ' if field.auto_id else ""
        parts.append(f'<div {helptext_id}class="form-text">{field.help_text}</div>')
    parts.append("</div>")
    return "\n".join(parts)


@register.simple_tag
def filter_fields(form) -> str:
    """Every field of `form` as crispy's Bootstrap 5 pack writes it."""
    parts = []
    for field in form:
        if field.is_hidden:
            parts.append(str(field))
        elif _crispy_markup(field):
            parts.append(as_crispy_field(field))
        else:
            parts.append(_field(field))
    return mark_safe("\n".join(parts))  # noqa: S308 - every part is escaped above
