"""Forms of the enterprise register and of the discharge reports (the entry grid)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from benxi_cp.fields import CodedChoiceField, YearField, YesNoField
from benxi_cp.versions import VersionedFormMixin
from enterprises.choices import Basis, Ownership, Sector, Size
from enterprises.models import DischargeReport, Enterprise
from enterprises.picker import EnterpriseField, EnterprisePicker
from enterprises.templatetags.discharge import plain_amount

FIELDS = [
    "code",
    "name",
    "name_en",
    "sector",
    "district",
    "ownership",
    "size",
    "state_large_medium",
    "employees",
    "address",
    "contact_person",
    "phone",
    "contact_email",
]


class EnterpriseForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employees"].widget.attrs["min"] = 0
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("code", css_class="col-md-4"), Column("sector", css_class="col-md-4")),
            Row(Column("name", css_class="col-md-6"), Column("name_en", css_class="col-md-6")),
            Row(
                Column("district", css_class="col-md-4"),
                Column("ownership", css_class="col-md-4"),
                Column("size", css_class="col-md-4"),
            ),
            Row(
                Column("employees", css_class="col-md-4"),
                Column("state_large_medium", css_class="col-md-8 pt-md-4"),
            ),
            "address",
            Row(
                Column("contact_person", css_class="col-md-6"),
                Column("phone", css_class="col-md-6"),
            ),
            "contact_email",
            Submit("save", _("Save")),
        )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()

    def clean_employees(self):
        value = self.cleaned_data.get("employees")
        if value is not None and value < 0:
            raise forms.ValidationError(_("The number of employees cannot be negative."))
        return value


class EnterpriseImportForm(forms.ModelForm):
    """One row of docs/formats/enterprises.md."""

    sector = CodedChoiceField(choices_class=Sector)
    ownership = CodedChoiceField(choices_class=Ownership, required=False)
    size = CodedChoiceField(choices_class=Size, required=False)
    state_large_medium = YesNoField()

    class Meta:
        model = Enterprise
        fields = FIELDS

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip()

    def clean_state_large_medium(self) -> bool:
        value = self.cleaned_data.get("state_large_medium")
        if value is None:
            raise forms.ValidationError(_("This field is required."))
        return value

    def clean_employees(self):
        value = self.cleaned_data.get("employees")
        if value is not None and value < 0:
            raise forms.ValidationError(_("must be a whole number ≥ 0"))
        return value


# -- discharge reports ----------------------------------------------------------------------
def period_choices() -> list[tuple[str, str]]:
    """The periods of docs/formats/discharge.md: Y, Q1–Q4, M01–M12."""
    choices = [("Y", _("Whole year"))]
    choices += [(f"Q{n}", _("Quarter %(number)s") % {"number": n}) for n in range(1, 5)]
    choices += [(f"M{n:02d}", _("Month %(number)s") % {"number": n}) for n in range(1, 13)]
    return choices


class ReportStartForm(forms.Form):
    """Which report to enter: the enterprise, the year and the period."""

    enterprise = EnterpriseField(
        label=capfirst(_("enterprise")), widget=EnterprisePicker(attrs={"autofocus": True})
    )
    year = YearField(label=capfirst(_("year")))
    period = forms.ChoiceField(label=capfirst(_("period")), choices=period_choices, initial="Y")


class ReportHeaderForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = DischargeReport
        fields = ["output_10k_yuan"]
        widgets = {
            "output_10k_yuan": forms.TextInput(
                attrs={
                    "inputmode": "decimal",
                    "autocomplete": "off",
                    "class": "form-control text-end",
                    "data-grid-field": "",
                }
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        output = self.instance.output_10k_yuan
        if output is not None and not self.is_bound:
            self.initial["output_10k_yuan"] = plain_amount(output, grouping=False)

    def clean_output_10k_yuan(self):
        value = self.cleaned_data.get("output_10k_yuan")
        if value is not None and value < 0:
            raise forms.ValidationError(_("The output value cannot be negative."))
        return value


class ValueRowForm(forms.Form):
    """One row of the entry grid: a pollutant, its amount (empty: not reported) and basis."""

    pollutant = forms.IntegerField(widget=forms.HiddenInput)
    amount = forms.DecimalField(
        label=_("amount"),
        required=False,
        max_digits=16,
        decimal_places=4,
        widget=forms.TextInput(
            attrs={
                "inputmode": "decimal",
                "autocomplete": "off",
                "class": "form-control form-control-sm text-end amount-input",
                "data-grid-field": "",
            }
        ),
    )
    # No basis by default: the grid proposes the one the enterprise last reported for the
    # pollutant; otherwise the clerk chooses (a silent "estimated" would misstate the figure
    # and grade the report down).
    basis = forms.ChoiceField(
        label=_("basis"),
        choices=[("", _("— choose —")), *Basis.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def clean_amount(self):
        value = self.cleaned_data.get("amount")
        if value is not None and value < 0:
            raise forms.ValidationError(_("An amount cannot be negative."))
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("amount") is not None and not cleaned.get("basis"):
            self.add_error("basis", _("Say how the amount was obtained."))
        return cleaned


class BaseValueRowFormSet(forms.BaseFormSet):
    def clean(self):
        seen = set()
        for form in self.forms:
            pollutant = (
                form.cleaned_data.get("pollutant") if hasattr(form, "cleaned_data") else None
            )
            if pollutant in seen:
                raise forms.ValidationError(_("A pollutant appears twice in the grid."))
            seen.add(pollutant)


ValueRowFormSet = forms.formset_factory(
    ValueRowForm, formset=BaseValueRowFormSet, extra=0, max_num=200, validate_max=True
)


class ReasonForm(forms.Form):
    """Why a report is returned or unlocked; kept with the report."""

    reason = forms.CharField(
        label=_("reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class VerifyForm(forms.Form):
    """The confirmation of a verification: with serious flags, that they were looked at."""

    confirm = forms.CharField(widget=forms.HiddenInput, initial="1", required=False)
    acknowledge = forms.BooleanField(
        label=_("I have looked at the serious flags and the figures stand."),
        required=False,
    )

    def __init__(self, *args, serious: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.serious = serious

    def clean_acknowledge(self) -> bool:
        acknowledged = self.cleaned_data.get("acknowledge", False)
        if self.serious and not acknowledged:
            raise forms.ValidationError(
                _("The report has serious flags: confirm that you have looked at them.")
            )
        return acknowledged


class SelectionForm(forms.Form):
    """The reports chosen on the list for verifying at once, and the step: review, confirm."""

    report = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=True)
    step = forms.ChoiceField(choices=[("review", "review"), ("confirm", "confirm")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any number is a choice here: the workflow checks each report under its lock.
        self.fields["report"].valid_value = lambda value: str(value).isdigit() and len(value) < 10
        self.fields["report"].error_messages["required"] = _("Choose the reports to verify.")
