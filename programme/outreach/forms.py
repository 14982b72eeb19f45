"""Forms of training and outreach events, policies and incentives."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from audits.models import Audit
from benxi_cp.documents import document_type
from benxi_cp.forms import DateInput, DocumentsField, ModelRulesForm
from enterprises.picker import EnterpriseField, EnterprisePicker
from programme.models import Incentive, Policy, TrainingEvent, TrainingParticipation

DOCUMENT_HELP = _("PDF, Word, Excel, PNG, JPEG, text or CSV; at most 20 MB each.")


class TrainingEventForm(ModelRulesForm):
    """An event; its participants by enterprise are a formset beside it."""

    materials = DocumentsField(label=_("Add materials"), required=False, help_text=DOCUMENT_HELP)

    class Meta:
        model = TrainingEvent
        fields = [
            "kind",
            "audience",
            "title",
            "held_on",
            "place",
            "organiser",
            "hours",
            "other_participants",
            "notes",
        ]
        widgets = {"held_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("kind", css_class="col-md-3"),
                Column("audience", css_class="col-md-9"),
            ),
            "title",
            Row(
                Column("held_on", css_class="col-md-3"),
                Column("hours", css_class="col-md-3"),
                Column("other_participants", css_class="col-md-6"),
            ),
            Row(Column("place", css_class="col-md-6"), Column("organiser", css_class="col-md-6")),
            "notes",
            "materials",
        )

    def clean_title(self) -> str:
        return self.cleaned_data["title"].strip()


class ParticipationForm(forms.ModelForm):
    enterprise = EnterpriseField(
        label=_("enterprise"),
        widget=EnterprisePicker(attrs={"class": "form-control form-control-sm"}),
    )

    class Meta:
        model = TrainingParticipation
        fields = ["enterprise", "participants"]
        widgets = {
            "participants": forms.NumberInput(
                attrs={"min": 1, "class": "form-control form-control-sm"}
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = field.label


class BaseParticipationFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            if self._should_delete_form(form) or not form.cleaned_data:
                continue
            enterprise = form.cleaned_data.get("enterprise")
            if enterprise in seen:
                form.add_error("enterprise", _("An enterprise is listed once per event."))
            seen.add(enterprise)


ParticipationFormSet = inlineformset_factory(
    TrainingEvent,
    TrainingParticipation,
    form=ParticipationForm,
    formset=BaseParticipationFormSet,
    extra=3,
    can_delete=True,
)


class PolicyForm(ModelRulesForm):
    upload = forms.FileField(label=_("Document"), required=False, help_text=DOCUMENT_HELP)

    class Meta:
        model = Policy
        fields = [
            "title",
            "level",
            "kind",
            "status",
            "issuer",
            "number",
            "issued_on",
            "effective_on",
            "summary",
        ]
        widgets = {
            "issued_on": DateInput(),
            "effective_on": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "policy-form"
        self.helper.attrs = {"enctype": "multipart/form-data", "novalidate": ""}
        self.helper.layout = Layout(
            "title",
            Row(
                Column("level", css_class="col-md-4"),
                Column("kind", css_class="col-md-4"),
                Column("status", css_class="col-md-4"),
            ),
            Row(Column("issuer", css_class="col-md-8"), Column("number", css_class="col-md-4")),
            Row(
                Column("issued_on", css_class="col-md-6"),
                Column("effective_on", css_class="col-md-6"),
            ),
            "summary",
            "upload",
            Submit("save", _("Save")),
        )

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            upload.checked_content_type = document_type(upload)
        return upload

    def save(self, commit=True):
        policy = super().save(commit=False)
        upload = self.cleaned_data.get("upload")
        if upload:
            policy.document = upload
            policy.document_name = upload.name[:200]
            policy.document_type = upload.checked_content_type
            policy.document_size = upload.size
        if commit:
            policy.save()
        return policy


class AuditChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, audit) -> str:
        return f"{audit.ref} · {audit.enterprise.code}"


class IncentiveForm(ModelRulesForm):
    enterprise = EnterpriseField(label=_("enterprise"))
    audit = AuditChoiceField(
        queryset=Audit.objects.none(),
        label=_("audit rewarded"),
        required=False,
        help_text=_("The CP audit of the same enterprise that the incentive rewards, if any."),
    )

    class Meta:
        model = Incentive
        fields = [
            "kind",
            "enterprise",
            "audit",
            "policy",
            "amount_10k_yuan",
            "granted_on",
            "decision_number",
            "decision",
        ]
        widgets = {"granted_on": DateInput(), "decision": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audit"].queryset = Audit.objects.select_related("enterprise").order_by("ref")
        self.fields["policy"].queryset = Policy.objects.order_by("-issued_on")
        self.fields["amount_10k_yuan"].widget.attrs.update(min=0, step="0.01")
        self.helper = FormHelper()
        self.helper.form_id = "incentive-form"
        self.helper.layout = Layout(
            Row(Column("kind", css_class="col-md-4"), Column("enterprise", css_class="col-md-8")),
            Row(Column("audit", css_class="col-md-6"), Column("policy", css_class="col-md-6")),
            Row(
                Column("amount_10k_yuan", css_class="col-md-4"),
                Column("granted_on", css_class="col-md-4"),
                Column("decision_number", css_class="col-md-4"),
            ),
            "decision",
            Submit("save", _("Save")),
        )

    def clean_decision_number(self) -> str:
        return self.cleaned_data["decision_number"].strip()
