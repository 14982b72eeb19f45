"""The enforcement case's form: the case, its notice and outcome, with two grids, the
violations it concerns and its follow-up monitoring. The database's constraints
(permits/models.py, EnforcementCase.Meta) are the rules; the model form checks them before
the save, so a refusal comes back as the rule's own words."""

from django import forms
from django.utils.translation import gettext_lazy as _

from benxi_cp.documents import document_type
from benxi_cp.forms import DateInput
from benxi_cp.validators import DATE_MESSAGE, in_range
from benxi_cp.versions import VersionedFormMixin
from enterprises.models import Pollutant
from enterprises.picker import EnterpriseField
from permits.choices import CaseOutcome, CaseStatus
from permits.models import CaseFollowUp, CaseViolation, EnforcementCase

DATE_FIELDS = ("opened_on", "notice_date", "deadline", "closed_on")


class CaseForm(VersionedFormMixin, forms.ModelForm):
    """The case itself: enterprise, summary, notice, deadline, status and outcome."""

    enterprise = EnterpriseField(label=_("enterprise"))
    upload = forms.FileField(
        label=_("notice document"),
        required=False,
        help_text=_("The notice as served (PDF, Word, image); replaces the stored one."),
    )

    class Meta:
        model = EnforcementCase
        fields = [
            "enterprise",
            "summary",
            "opened_on",
            "status",
            "notice_number",
            "notice_date",
            "deadline",
            "outcome",
            "closed_on",
            "penalty_yuan",
            "decision_number",
            "notes",
        ]
        widgets = {name: DateInput() for name in DATE_FIELDS} | {
            "notes": forms.Textarea(attrs={"rows": 3})
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A case stays its enterprise's; another enterprise's violations are another case.
            self.fields["enterprise"].disabled = True
            self.initial["enterprise"] = self.instance.enterprise

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            upload.checked_content_type = document_type(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        for name in DATE_FIELDS:
            day = cleaned.get(name)
            if day is not None and not in_range(day.year):
                self.add_error(name, DATE_MESSAGE)
        for name in ("notice_number", "decision_number"):
            if cleaned.get(name):
                cleaned[name] = cleaned[name].strip()
        status, outcome = cleaned.get("status"), cleaned.get("outcome")
        if status != CaseStatus.OPEN:
            for name in ("notice_number", "notice_date", "deadline"):
                if name in cleaned and not cleaned.get(name):
                    self.add_error(name, _("Required once the notice is served."))
        if status == CaseStatus.CLOSED and not outcome:
            self.add_error("outcome", _("A case is closed with its outcome."))
        if status == CaseStatus.CLOSED and "closed_on" in cleaned and not cleaned["closed_on"]:
            self.add_error("closed_on", _("A closed case has the day it closed."))
        if status != CaseStatus.CLOSED and (outcome or cleaned.get("closed_on")):
            self.add_error("status", _("Set the status to closed to record an outcome."))
        if outcome == CaseOutcome.PENALTY:
            penalty = cleaned.get("penalty_yuan")
            if "penalty_yuan" in cleaned and (penalty is None or penalty <= 0):
                self.add_error("penalty_yuan", _("A penalty has an amount above zero."))
            if not cleaned.get("decision_number") and "decision_number" in cleaned:
                self.add_error("decision_number", _("A penalty has its decision number."))
        elif cleaned.get("penalty_yuan") is not None or cleaned.get("decision_number"):
            self.add_error("outcome", _("An amount and a decision number go with a penalty."))
        return cleaned


def _grid_widgets(form: forms.Form) -> None:
    """Bootstrap's small inputs for a grid row (crispy lays out whole forms, not grid cells)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select form-select-sm"
        else:
            widget.attrs["class"] = "form-control form-control-sm"


class ViolationForm(forms.ModelForm):
    """A violation the case concerns; an empty row is none."""

    class Meta:
        model = CaseViolation
        fields = ["kind", "year", "outlet", "pollutant", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pollutant"].queryset = Pollutant.objects.filter(
            medium__in=("water", "air")
        ).order_by("position")
        self.fields["pollutant"].label_from_instance = lambda p: f"{p.code} {p.display_name}"
        _grid_widgets(self)

    def clean_outlet(self) -> str:
        return self.cleaned_data["outlet"].strip().upper()


class FollowUpForm(forms.ModelForm):
    """A follow-up monitoring; an empty row is none."""

    class Meta:
        model = CaseFollowUp
        fields = ["checked_on", "result", "notes"]
        widgets = {"checked_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _grid_widgets(self)

    def clean_checked_on(self):
        day = self.cleaned_data["checked_on"]
        if day is not None and not in_range(day.year):
            raise forms.ValidationError(DATE_MESSAGE)
        return day


ViolationFormSet = forms.inlineformset_factory(
    EnforcementCase, CaseViolation, form=ViolationForm, extra=2, can_delete=True
)


def violation_formset(initial: list[dict]):
    """The violations' grid with a row for each of `initial` and two empty ones."""
    if not initial:
        return ViolationFormSet
    return forms.inlineformset_factory(
        EnforcementCase,
        CaseViolation,
        form=ViolationForm,
        extra=len(initial) + 2,
        can_delete=True,
    )


FollowUpFormSet = forms.inlineformset_factory(
    EnforcementCase, CaseFollowUp, form=FollowUpForm, extra=2, can_delete=True
)
