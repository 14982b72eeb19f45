"""The form renderer writes the same HTML as Django's widget templates, byte for byte."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from benxi_cp.renderers import FormRenderer

GROUPED = [
    ("", "---------"),
    ("Metals", [("iron", "Iron & steel"), ("copper", mark_safe("<b>Copper</b>"))]),
    ("Other", [(3, 'Three "quoted"'), (4, gettext_lazy("Yes"))]),
]


class Everything(forms.Form):
    text = forms.CharField(
        label="Text", widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Search")})
    )
    number = forms.DecimalField(widget=forms.NumberInput(attrs={"step": "0.01", "min": 0}))
    email = forms.EmailField(required=False)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    hidden = forms.CharField(widget=forms.HiddenInput)
    flags = forms.CharField(
        widget=forms.TextInput(attrs={"readonly": True, "disabled": False, "data-x": "<&>"})
    )
    choice = forms.ChoiceField(
        choices=[("", "---------"), ("a", "A & a"), ("b", gettext_lazy("No")), (1, 2)]
    )
    grouped = forms.ChoiceField(choices=GROUPED, required=False)
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y")], required=False)
    password = forms.CharField(widget=forms.PasswordInput(render_value=True))


CASES = [
    {},
    {
        "text": 'a "b" <c> & d',
        "number": "12.50",
        "email": "x@example.org",
        "date": "2024-02-29",
        "hidden": "h",
        "flags": "f",
        "choice": "a",
        "grouped": "copper",
        "many": ["x", "y"],
        "password": "secret",
    },
    {"choice": "1", "grouped": "3", "number": "bad", "date": "bad"},
]


@pytest.mark.parametrize("data", CASES)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_widgets_render_as_django_templates_do(data, language):
    with override(language):
        for bound in Everything(data or None, renderer=FormRenderer()):
            expected = bound.as_widget(attrs={"class": "form-control"})
            reference = Everything(data or None, renderer=DjangoTemplates())[bound.name]
            assert expected == reference.as_widget(attrs={"class": "form-control"}), bound.name


def test_initial_values_of_other_types_render_as_django_templates_do():
    initial = {"number": Decimal("3.1400"), "date": datetime.date(2024, 1, 2), "choice": 1}
    ours = Everything(initial=initial, renderer=FormRenderer())
    django = Everything(initial=initial, renderer=DjangoTemplates())
    for name in initial:
        assert str(ours[name]) == str(django[name])


def test_select_is_written_in_python_and_other_widgets_use_the_templates(monkeypatch):
    renderer = FormRenderer()
    used = []
    original = DjangoTemplates.render

    def spy(self, template_name, context, request=None):
        used.append(template_name)
        return original(self, template_name, context, request)

    monkeypatch.setattr(DjangoTemplates, "render", spy)
    form = Everything(renderer=renderer)
    for name in ("choice", "grouped", "many", "text", "number", "date", "hidden"):
        str(form[name])
    assert used == []
    forms.Textarea().render("t", "x", renderer=renderer)
    forms.CheckboxInput().render("c", True, renderer=renderer)
    assert used == ["django/forms/widgets/textarea.html", "django/forms/widgets/checkbox.html"]
