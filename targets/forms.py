"""Forms of the target system: departments, indicators, targets, actual values, the overview's
filters and the recompute button."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from benxi_cp.fields import YearField
from benxi_cp.filters import label_empty_choice
from benxi_cp.sorting import by_label
from benxi_cp.versions import VersionedFormMixin
from targets import computations
from targets.choices import Dimension
from targets.models import Actual, Department, Indicator, Target, plain_decimal


class DepartmentForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Department
        fields = ["code", "name", "name_en", "duties", "duties_en"]
        widgets = {
            "duties": forms.Textarea(attrs={"rows": 3}),
            "duties_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("code", css_class="col-md-4")),
            Row(Column("name", css_class="col-md-6"), Column("name_en", css_class="col-md-6")),
            Row(Column("duties", css_class="col-md-6"), Column("duties_en", css_class="col-md-6")),
            Submit("save", _("Save")),
        )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().lower()


class IndicatorForm(VersionedFormMixin, forms.ModelForm):
    computation = forms.ChoiceField(
        label=_("actual values"),
        required=False,
        help_text=_(
            "Entered by hand, or computed from the records by one of these computations. "
            "A value entered by hand is never overwritten by a computation."
        ),
    )

    class Meta:
        model = Indicator
        fields = [
            "code",
            "dimension",
            "name",
            "name_en",
            "unit",
            "unit_en",
            "direction",
            "department",
            "computation",
            "position",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["computation"].choices = [
            ("", _("entered by hand")),
            *computations.choices(),
        ]
        self.fields["position"].help_text = _("Order of the indicator within its dimension.")
        by_label(self.fields["department"])
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(
                Column("code", css_class="col-md-4"),
                Column("dimension", css_class="col-md-4"),
                Column("position", css_class="col-md-4"),
            ),
            Row(Column("name", css_class="col-md-6"), Column("name_en", css_class="col-md-6")),
            Row(
                Column("unit", css_class="col-md-3"),
                Column("unit_en", css_class="col-md-3"),
                Column("direction", css_class="col-md-3"),
                Column("department", css_class="col-md-3"),
            ),
            "computation",
            Submit("save", _("Save")),
        )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().lower()

    def clean_computation(self) -> str:
        name = self.cleaned_data.get("computation") or ""
        if name and computations.get(name) is None:
            raise forms.ValidationError(_("Unknown computation."))
        return name


def _plain_initial(form: forms.ModelForm, *names: str) -> None:
    """Show stored decimals as a person would type them (72, not 72.0000)."""
    for name in names:
        value = form.initial.get(name)
        if value is not None:
            form.initial[name] = plain_decimal(value)


class _OnePerIndicatorMixin:
    """The indicator is fixed by the page, not a field, so Django does not check the unique
    constraints that include it: check them here, with the constraint's own message."""

    unique_field = "year"
    unique_message = ""

    def clean(self):
        cleaned = super().clean()
        value = cleaned.get(self.unique_field)
        if value is not None:
            clash = (
                type(self.instance)
                .objects.filter(indicator=self.instance.indicator, **{self.unique_field: value})
                .exclude(pk=self.instance.pk)
            )
            if clash.exists():
                self.add_error(self.unique_field, self.unique_message)
        return cleaned


class TargetForm(_OnePerIndicatorMixin, VersionedFormMixin, forms.ModelForm):
    unique_field = "goal_year"
    unique_message = _("This indicator already has a target for that goal year.")

    class Meta:
        model = Target
        fields = ["baseline_year", "baseline_value", "goal_year", "goal_value"]
        field_classes = {"baseline_year": YearField, "goal_year": YearField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        unit = self.instance.indicator.display_unit
        _plain_initial(self, "baseline_value", "goal_value")
        for name in ("baseline_value", "goal_value"):
            self.fields[name].help_text = _("In %(unit)s.") % {"unit": unit}
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(
                Column("baseline_year", css_class="col-md-6"),
                Column("baseline_value", css_class="col-md-6"),
            ),
            Row(
                Column("goal_year", css_class="col-md-6"),
                Column("goal_value", css_class="col-md-6"),
            ),
            Submit("save", _("Save")),
        )


class ActualForm(_OnePerIndicatorMixin, VersionedFormMixin, forms.ModelForm):
    """An actual value typed in by a person: always saved as entered."""

    unique_field = "year"
    unique_message = _("This indicator already has a value for that year.")

    class Meta:
        model = Actual
        fields = ["year", "value", "note"]
        field_classes = {"year": YearField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain_initial(self, "value")
        self.fields["value"].help_text = _("In %(unit)s.") % {
            "unit": self.instance.indicator.display_unit
        }
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("year", css_class="col-md-4"), Column("value", css_class="col-md-8")),
            "note",
            Submit("save", _("Save")),
        )

    def save(self, commit: bool = True):
        self.instance.source = "entered"
        return super().save(commit)


class OverviewFilterForm(forms.Form):
    """The overview's filters (GET): year assessed, department, dimension."""

    year = forms.TypedChoiceField(label=_("year"), coerce=int, required=False)
    department = forms.ModelChoiceField(
        label=_("responsible department"),
        queryset=Department.objects.all(),
        to_field_name="code",
        required=False,
    )
    dimension = forms.ChoiceField(
        label=_("dimension"), choices=[("", ""), *Dimension.choices], required=False
    )

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in reversed(years)]
        for name in ("department", "dimension"):
            label_empty_choice(self.fields[name])  # "All", as in every list's filters
        by_label(self.fields["department"])


class RecomputeForm(forms.Form):
    year = YearField(label=_("year"))
    next = forms.CharField(required=False)
