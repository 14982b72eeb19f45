"""Forms of the environmental investment register: the page's form and the import's row form."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from benxi_cp.versions import VersionedFormMixin
from enterprises.picker import EnterpriseField
from programme.models import EnvironmentalInvestment

FIELDS = ["year", "category", "project", "amount_10k_yuan", "source", "status", "note"]


class InvestmentRowForm(forms.ModelForm):
    """One project's values, without its enterprise (the import names it by its code)."""

    class Meta:
        model = EnvironmentalInvestment
        fields = FIELDS

    def clean_project(self) -> str:
        project = " ".join(self.cleaned_data["project"].split())
        if not project:
            raise forms.ValidationError(_("The project needs a name."))
        return project

    def validate_unique(self):
        # The enterprise is set by whoever uses the form (the page or the importer), after it;
        # the database's constraint, and the page's check below, refuse a second row.
        pass


class InvestmentForm(VersionedFormMixin, InvestmentRowForm):
    """Enter or edit one environmental investment project of an enterprise."""

    enterprise = EnterpriseField(label=_("enterprise"))

    class Meta(InvestmentRowForm.Meta):
        fields = ["enterprise", *FIELDS]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "investment-form"
        self.helper.layout = Layout(
            Row(
                Column("enterprise", css_class="col-md-8"),
                Column("year", css_class="col-md-4"),
            ),
            "project",
            Row(
                Column("category", css_class="col-md-6"),
                Column("amount_10k_yuan", css_class="col-md-6"),
            ),
            Row(
                Column("source", css_class="col-md-6"),
                Column("status", css_class="col-md-6"),
            ),
            "note",
            Submit("save", _("Save")),
        )

    def validate_unique(self):
        forms.ModelForm.validate_unique(self)
