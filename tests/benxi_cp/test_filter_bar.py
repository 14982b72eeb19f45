"""The filter bar writes the markup crispy-forms' Bootstrap 5 pack writes."""

import re

import pytest
from django import forms
from django.template import Context, Template
from django.utils.translation import gettext_lazy, override


class Filters(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Search"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "code <or> name"}),
    )
    sector = forms.ChoiceField(
        label="sector & branch", required=False, choices=[("", "---"), ("a", "A"), ("b", "B")]
    )
    year = forms.IntegerField(label="year", required=False, help_text="<b>four</b> digits")
    code = forms.CharField(label="code", max_length=3)
    flag = forms.BooleanField(label="flag", required=False)
    kind = forms.ChoiceField(
        label="kind", required=False, choices=[("x", "X"), ("y", "Y")], widget=forms.RadioSelect
    )
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)


def _normalised(html: str) -> str:
    html = re.sub(r">\s+", ">", re.sub(r"\s+<", "<", html))
    return re.sub(r"\s+", " ", html).strip()


@pytest.mark.parametrize(
    "data",
    [None, {}, {"q": "<x>", "sector": "zzz", "year": "abc", "code": "long", "kind": "x"}],
)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_filter_fields_match_crispy(data, language):
    ours = Template("{% load filter_bar %}{% filter_fields form %}")
    crispy = Template(
        "{% load crispy_forms_filters %}{% for field in form %}{{ field|as_crispy_field }}"
        "{% endfor %}"
    )
    with override(language):
        expected = crispy.render(Context({"form": Filters(data)}))
        actual = ours.render(Context({"form": Filters(data)}))
    assert _normalised(actual) == _normalised(expected)
    if data:
        assert "is-invalid" in actual and "invalid-feedback" in actual
