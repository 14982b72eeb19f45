"""The form renderer: Django's, with its commonest widget templates written in Python.

Django renders each `<input>` through three templates and each `<option>` of a `<select>`
through two more (select_option.html, attrs.html): a filter bar with a few drop-downs is a
hundred template renders. `FormRenderer` writes the same HTML, byte for byte, for the
input widgets and `<select>`, as long as those templates are Django's own (no app overrides
them); every other template goes through Django's templates as before.
"""

from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.functional import cached_property
from django.utils.safestring import SafeData, mark_safe

_CONTEXT = Context(autoescape=True)
_WIDGETS = "django/forms/widgets/"
# These templates are all `{% include "django/forms/widgets/input.html" %}`.
_INPUT_TEMPLATES = {
    f"{_WIDGETS}{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "search",
        "tel",
        "date",
        "datetime",
        "time",
        "color",
    )
}
_SELECT = f"{_WIDGETS}select.html"
_OPTION = f"{_WIDGETS}select_option.html"
_PYTHON_TEMPLATES = {*_INPUT_TEMPLATES, _SELECT, _OPTION, f"{_WIDGETS}attrs.html"}


def _text(value) -> str:
    """`{{ value }}`."""
    return render_value_in_context(value, _CONTEXT)


def _string(value) -> str:
    """`{{ value|stringformat:'s' }}`."""
    try:
        text = "%s" % value  # noqa: UP031 - the filter's own formatting
    except (ValueError, TypeError):
        text = ""
    if isinstance(value, SafeData):
        text = mark_safe(text)  # noqa: S308 - the filter keeps safe input safe
    return render_value_in_context(text, _CONTEXT)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {_text(name)}")
        else:
            parts.append(f' {_text(name)}="{_string(value)}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    """django/forms/widgets/input.html (and the templates that include only it)."""
    value = widget["value"]
    value_html = f' value="{_string(value)}"' if value is not None else ""
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
        f"{value_html}{_attrs(widget['attrs'])}>"
    )


def _option(option: dict) -> str:
    """django/forms/widgets/select_option.html."""
    return (
        f'<option value="{_string(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_text(option['label'])}</option>"
    )


def _select(widget: dict) -> str:
    """django/forms/widgets/select.html, its options included with their trailing newline."""
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            parts.append(f"\n  {_option(option)}\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class FormRenderer(DjangoTemplates):
    """Django's default form renderer; inputs and drop-downs are written in Python."""

    @cached_property
    def _django_own(self) -> bool:
        """Whether the widget templates written here are Django's (no app overrides one)."""
        own = self.get_template(f"{_WIDGETS}input.html").origin.name
        folder = own.removesuffix("input.html")
        return all(
            self.get_template(name).origin.name == folder + name.removeprefix(_WIDGETS)
            for name in _PYTHON_TEMPLATES
        )

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None and self._django_own:
            if template_name in _INPUT_TEMPLATES and "type" in widget:
                return _input(widget)
            if (
                template_name == _SELECT
                and "optgroups" in widget
                and all(
                    option.get("template_name") == _OPTION
                    for _name, options, _index in widget["optgroups"]
                    for option in options
                )
            ):
                return _select(widget)
        return super().render(template_name, context, request)
