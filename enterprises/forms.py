"""Forms of the enterprise register: the edit form and the import row form."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from benxi_cp.fields import CodedChoiceField, YesNoField
from enterprises.choices import Ownership, Sector, Size
from enterprises.models import Enterprise

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
]


class EnterpriseForm(forms.ModelForm):
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
    """One row of shared/formats/enterprises.md."""

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
