"""Forms of CP audits: the audit, its steps, balance, options grid, feasibility, results."""

import copy
from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row, Submit
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms import BaseInlineFormSet, BaseModelFormSet, inlineformset_factory
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from audits.choices import AcceptingBody, OptionStatus, ReviewStage, StepStatus
from audits.formatting import plain
from audits.models import (
    BALANCE_KEPT,
    Audit,
    AuditStep,
    ExpertReview,
    MaterialBalanceLine,
    Option,
    OptionFeasibility,
    balance_required,
)
from benxi_cp import units
from benxi_cp.forms import DateInput, DocumentsField, ModelRulesForm
from benxi_cp.sorting import by_label
from enterprises.models import Pollutant
from enterprises.picker import EnterpriseField


def audit_team_candidates():
    """Users who may serve on audit teams (the auditors), by user name."""
    serve = Permission.objects.filter(
        codename="serve_on_audit_team", content_type__app_label="audits"
    )
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__permissions__in=serve) | Q(user_permissions__in=serve))
        .distinct()
        .order_by("username")
    )


class TeamField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user) -> str:
        name = user.get_full_name()
        return f"{name} ({user.username})" if name else user.username


class AuditForm(ModelRulesForm):
    """Create or edit an audit; enterprise, reference and team only for who may add audits."""

    enterprise = EnterpriseField(label=capfirst(_("enterprise")))
    team = TeamField(
        queryset=None,
        required=False,
        label=capfirst(_("audit team")),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The auditors who run the audit; only they (and the EPB) may edit it."),
    )

    class Meta:
        model = Audit
        fields = ["enterprise", "ref", "started_on", "focus", "cp_lead", "team"]
        widgets = {"started_on": DateInput()}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = audit_team_candidates()
        by_label(self.fields["team"])
        manages = user is not None and user.has_perm("audits.add_audit")
        if not manages:
            for name in ("enterprise", "ref", "team"):
                del self.fields[name]
        self.helper = FormHelper()
        self.helper.form_id = "audit-form"
        parts = []
        if manages:
            parts.append(
                Row(
                    Column("enterprise", css_class="col-md-6"),
                    Column("ref", css_class="col-md-3"),
                    Column("started_on", css_class="col-md-3"),
                )
            )
        else:
            parts.append(Row(Column("started_on", css_class="col-md-4")))
        parts += ["focus", "cp_lead"]
        if manages:
            parts.append("team")
        parts.append(Submit("save", _("Save")))
        self.helper.layout = Layout(*parts)

    def clean_ref(self) -> str:
        return self.cleaned_data["ref"].strip()


class AuditStepForm(ModelRulesForm):
    """One step: status, dates, notes, the deliverables done and new documents."""

    checklist = forms.MultipleChoiceField(
        label=_("Deliverables done"), required=False, widget=forms.CheckboxSelectMultiple
    )
    documents = DocumentsField(
        label=_("Add documents"),
        required=False,
        help_text=_("PDF, Word, Excel, PNG, JPEG, text or CSV; at most 20 MB each."),
    )

    class Meta:
        model = AuditStep
        fields = ["status", "started_on", "completed_on", "checklist", "notes"]
        widgets = {
            "started_on": DateInput(),
            "completed_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checklist"].choices = list(self.instance.definition.deliverables)
        self.fields["status"].widget.attrs["class"] = "step-status"

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status in (StepStatus.IN_PROGRESS, StepStatus.COMPLETED) and not cleaned.get(
            "started_on"
        ):
            self.add_error("started_on", _("Give the date the step started."))
        if status == StepStatus.COMPLETED:
            if not cleaned.get("completed_on"):
                self.add_error("completed_on", _("Give the date the step was completed."))
            missing = set(self.instance.definition.keys) - set(cleaned.get("checklist") or [])
            if missing:
                self.add_error(
                    "checklist",
                    _("Tick every deliverable before completing the step."),
                )
        return cleaned


class BalanceLineForm(ModelRulesForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.quantity is not None:
            self.initial["quantity"] = plain(self.instance.quantity)

    class Meta:
        model = MaterialBalanceLine
        fields = ["direction", "item", "quantity", "unit"]
        widgets = {
            "item": forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            "quantity": forms.NumberInput(
                attrs={"class": "form-control form-control-sm text-end", "min": 0, "step": "any"}
            ),
            "unit": forms.TextInput(attrs={"class": "form-control form-control-sm", "size": 6}),
            "direction": forms.Select(attrs={"class": "form-select form-select-sm"}),
        }


class BaseBalanceFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        """Once step 3 is completed, the balance it produced keeps at least one line."""
        super().clean()
        if any(self.errors):
            return
        kept = [
            form
            for form in self.forms
            if not self._should_delete_form(form) and (form.instance.pk or form.has_changed())
        ]
        if not kept and balance_required(self.instance):
            raise ValidationError(BALANCE_KEPT)

    def save_new(self, form, commit=True):
        form.instance.position = form.prefix.rsplit("-", 1)[-1]
        return super().save_new(form, commit)


BalanceFormSet = inlineformset_factory(
    Audit,
    MaterialBalanceLine,
    form=BalanceLineForm,
    formset=BaseBalanceFormSet,
    extra=4,
    can_delete=True,
)


SMALL_INPUT = "form-control form-control-sm"
SMALL_SELECT = "form-select form-select-sm"


class OptionGridForm(ModelRulesForm):
    """One row of the options grid."""

    class Meta:
        model = Option
        fields = [
            "code",
            "title",
            "aspect",
            "fee_class",
            "step",
            "status",
            "investment_10k_yuan",
            "annual_benefit_10k_yuan",
            "actual_investment_10k_yuan",
            "actual_annual_benefit_10k_yuan",
            "implemented_on",
        ]
        widgets = {
            "code": forms.TextInput(attrs={"class": SMALL_INPUT + " grid-code", "size": 5}),
            "title": forms.TextInput(attrs={"class": SMALL_INPUT + " grid-title"}),
            "aspect": forms.Select(attrs={"class": SMALL_SELECT + " grid-aspect"}),
            "fee_class": forms.Select(attrs={"class": SMALL_SELECT + " grid-fee"}),
            "step": forms.Select(
                choices=[(n, n) for n in range(1, 9)], attrs={"class": SMALL_SELECT}
            ),
            "status": forms.Select(attrs={"class": SMALL_SELECT + " grid-status"}),
            "investment_10k_yuan": forms.NumberInput(
                attrs={"class": SMALL_INPUT + " text-end", "min": 0, "step": "0.01"}
            ),
            "annual_benefit_10k_yuan": forms.NumberInput(
                attrs={"class": SMALL_INPUT + " text-end", "min": 0, "step": "0.01"}
            ),
            "actual_investment_10k_yuan": forms.NumberInput(
                attrs={"class": SMALL_INPUT + " text-end", "min": 0, "step": "0.01"}
            ),
            "actual_annual_benefit_10k_yuan": forms.NumberInput(
                attrs={"class": SMALL_INPUT + " text-end", "min": 0, "step": "0.01"}
            ),
            "implemented_on": DateInput(attrs={"class": SMALL_INPUT}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = set(self.instance.allowed_statuses())
        self.fields["status"].choices = [
            (value, label) for value, label in OptionStatus.choices if value in allowed
        ]
        self.fields["status"].initial = self.instance.status or OptionStatus.PROPOSED
        self.fields["step"].initial = self.instance.step or 4


class BaseOptionGridFormSet(BaseModelFormSet):
    """The options of one audit as editable rows, plus blank rows for new ones."""

    def __init__(self, *args, audit: Audit, **kwargs):
        self.audit = audit
        kwargs.setdefault(
            "queryset", audit.options.select_related("audit", "feasibility").order_by("code")
        )
        super().__init__(*args, **kwargs)

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if form.instance.audit_id is None:
            form.instance.audit = self.audit
        return form

    @property
    def empty_form(self):
        form = super().empty_form
        form.instance.audit = self.audit
        return form

    def clean(self) -> None:
        # Every option of the audit is in the grid, so one code per audit is checked here
        # (the forms leave the audit out, and with it the database's unique check).
        super().clean()
        seen: dict[str, int] = {}
        for number, form in enumerate(self.forms, start=1):
            if self.can_delete and self._should_delete_form(form):
                continue
            code = getattr(form, "cleaned_data", {}).get("code")
            if not code:
                continue
            if code in seen:
                form.add_error(
                    "code",
                    _("Code %(code)s is already used in row %(row)s.")
                    % {"code": code, "row": seen[code]},
                )
            else:
                seen[code] = number


OptionGridFormSet = forms.modelformset_factory(
    Option, form=OptionGridForm, formset=BaseOptionGridFormSet, extra=3, can_delete=True
)


class OptionForm(ModelRulesForm):
    """The whole option, with its annual reduction of each pollutant of the catalogue."""

    class Meta:
        model = Option
        fields = [
            "code",
            "title",
            "description",
            "aspect",
            "fee_class",
            "step",
            "status",
            "investment_10k_yuan",
            "annual_benefit_10k_yuan",
            "actual_investment_10k_yuan",
            "actual_annual_benefit_10k_yuan",
            "implemented_on",
        ]
        widgets = {
            "implemented_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "step": forms.Select(choices=[(n, n) for n in range(1, 9)]),
        }

    def __init__(self, *args, pollutants=None, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = set(self.instance.allowed_statuses())
        self.fields["status"].choices = [
            (value, label) for value, label in OptionStatus.choices if value in allowed
        ]
        self.pollutants = list(pollutants if pollutants is not None else Pollutant.objects.all())
        stored = {}
        if self.instance.pk:
            stored = {r.pollutant_id: r.amount_per_year for r in self.instance.reductions.all()}
        for pollutant in self.pollutants:
            self.fields[self.reduction_field(pollutant)] = forms.DecimalField(
                label=f"{pollutant.display_name} ({units.per_year(pollutant.unit)})",
                required=False,
                min_value=0,
                max_digits=16,
                decimal_places=4,
                initial=stored.get(pollutant.pk),
                widget=forms.NumberInput(attrs={"step": "any", "min": 0}),
            )
        self.helper = FormHelper()
        self.helper.form_id = "option-form"
        reduction_rows = [
            Column(self.reduction_field(p), css_class="col-sm-6 col-lg-4") for p in self.pollutants
        ]
        self.helper.layout = Layout(
            Row(Column("code", css_class="col-md-2"), Column("title", css_class="col-md-10")),
            "description",
            Row(
                Column("aspect", css_class="col-md-4"),
                Column("fee_class", css_class="col-md-3"),
                Column("step", css_class="col-md-2"),
                Column("status", css_class="col-md-3"),
            ),
            Fieldset(
                _("Estimated and actual figures"),
                HTML(
                    '<p class="small text-muted">'
                    + str(
                        _(
                            "The estimate stays when the actual figures are entered. The "
                            "programme figures count the actual ones of implemented options, "
                            "and the estimate where none is recorded."
                        )
                    )
                    + "</p>"
                ),
                Row(
                    Column("investment_10k_yuan", css_class="col-md-6"),
                    Column("annual_benefit_10k_yuan", css_class="col-md-6"),
                ),
                Row(
                    Column("actual_investment_10k_yuan", css_class="col-md-6"),
                    Column("actual_annual_benefit_10k_yuan", css_class="col-md-6"),
                ),
                Row(Column("implemented_on", css_class="col-md-4")),
            ),
            Fieldset(
                _("Annual environmental benefit (reduction per pollutant)"),
                HTML(
                    '<p class="small text-muted">'
                    + str(_("Leave empty where the option does not reduce the pollutant."))
                    + "</p>"
                ),
                Row(*reduction_rows),
            ),
            Submit("save", _("Save")),
        )

    @staticmethod
    def reduction_field(pollutant: Pollutant) -> str:
        return f"reduction_{pollutant.code}"

    def reductions(self) -> dict[Pollutant, Decimal | None]:
        """Each pollutant's reduction as entered; None where the field is empty."""
        return {p: self.cleaned_data.get(self.reduction_field(p)) for p in self.pollutants}


class FeasibilityForm(ModelRulesForm):
    """The feasibility inputs of a medium/high-fee option, and optionally its conclusion."""

    conclusion = forms.ChoiceField(
        label=_("Conclusion"),
        required=False,
        help_text=_("Mark the option feasible or not feasible when the analysis is done."),
    )

    class Meta:
        model = OptionFeasibility
        fields = [
            "investment_10k_yuan",
            "annual_net_saving_10k_yuan",
            "depreciation_years",
            "tax_rate_pct",
            "discount_rate_pct",
            "life_years",
            "technical_evaluation",
            "environmental_evaluation",
            "negative_npv_reason",
        ]
        widgets = {
            "technical_evaluation": forms.Textarea(attrs={"rows": 3}),
            "environmental_evaluation": forms.Textarea(attrs={"rows": 3}),
            "negative_npv_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, option: Option, **kwargs):
        super().__init__(*args, **kwargs)
        self.option = option
        self.instance.option = option
        for name in ("investment_10k_yuan", "annual_net_saving_10k_yuan"):
            self.fields[name].widget.attrs.update(min=0, step="0.01")
        if not self.instance.pk and option.investment_10k_yuan is not None:
            self.fields["investment_10k_yuan"].initial = option.investment_10k_yuan
        conclusions = [
            s
            for s in (OptionStatus.FEASIBLE, OptionStatus.NOT_FEASIBLE)
            if s in option.allowed_statuses() and s != option.status
        ]
        if conclusions:
            self.fields["conclusion"].choices = [
                ("", _("Keep “%(status)s”") % {"status": option.get_status_display()}),
                *[(s, OptionStatus(s).label) for s in conclusions],
            ]
        else:
            del self.fields["conclusion"]
        self.helper = FormHelper()
        self.helper.form_id = "feasibility-form"
        self.helper.layout = Layout(
            Row(
                Column("investment_10k_yuan", css_class="col-md-6"),
                Column("annual_net_saving_10k_yuan", css_class="col-md-6"),
            ),
            Row(
                Column("depreciation_years", css_class="col-md-6"),
                Column("life_years", css_class="col-md-6"),
            ),
            Row(
                Column("tax_rate_pct", css_class="col-md-6"),
                Column("discount_rate_pct", css_class="col-md-6"),
            ),
            "technical_evaluation",
            "environmental_evaluation",
            *(["conclusion"] if "conclusion" in self.fields else []),
            "negative_npv_reason",
            Submit("save", _("Save and compute")),
        )

    def _post_clean(self):
        # The instance takes the entered figures here; the conclusion is checked after, on
        # them (on a copy of the option: a refused conclusion leaves it shown as it is).
        super()._post_clean()
        self.concluded_option = None
        conclusion = self.cleaned_data.get("conclusion")
        if not conclusion or self.errors:
            return
        option = copy.copy(self.option)
        option.status = conclusion
        option._pending_feasibility = self.instance
        if option.investment_10k_yuan is None:
            option.investment_10k_yuan = self.cleaned_data.get("investment_10k_yuan")
        try:
            option.full_clean()
        except forms.ValidationError as error:
            for messages in error.message_dict.values():
                for message in messages:
                    self.add_error("conclusion", message)
        else:
            self.concluded_option = option


class AssessmentForm(ModelRulesForm):
    class Meta:
        model = Audit
        fields = ["assessment", "assessed_on", "assessment_score"]
        widgets = {"assessed_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment_score"].widget.attrs.update(min=0, max=100, step="0.1")
        self.helper = FormHelper()
        self.helper.form_id = "assessment-form"
        self.helper.layout = Layout(
            Row(
                Column("assessment", css_class="col-md-4"),
                Column("assessed_on", css_class="col-md-4"),
                Column("assessment_score", css_class="col-md-4"),
            ),
            Submit("save", _("Save")),
        )

    def clean(self):
        cleaned = super().clean()
        score, mark = cleaned.get("assessment_score"), settings.BENXI_REVIEW_PASS_SCORE
        if cleaned.get("assessment") == "pass" and score is not None and score < mark:
            self.add_error(
                "assessment_score",
                _("A score below the pass mark (%(mark)s) cannot be a pass.") % {"mark": mark},
            )
        return cleaned


class AcceptanceForm(ModelRulesForm):
    class Meta:
        model = Audit
        fields = ["acceptance", "accepted_by", "accepted_on", "demonstration", "demonstration_on"]
        widgets = {"accepted_on": DateInput(), "demonstration_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "acceptance-form"
        self.helper.layout = Layout(
            Row(
                Column("acceptance", css_class="col-md-4"),
                Column("accepted_by", css_class="col-md-4"),
                Column("accepted_on", css_class="col-md-4"),
            ),
            Fieldset(
                _("Demonstration enterprise"),
                Row(
                    Column("demonstration", css_class="col-md-6 pt-md-4"),
                    Column("demonstration_on", css_class="col-md-6"),
                ),
            ),
            Submit("save", _("Save")),
        )


class ExpertReviewForm(forms.ModelForm):
    """The expert review of an audit's assessment or acceptance (audits/reviews.py)."""

    accepted_by = forms.ChoiceField(
        label=_("accepted by"),
        choices=[("", "---------"), *AcceptingBody.choices],
        required=False,
        help_text=_("For an acceptance: the body that accepts the audit."),
    )

    class Meta:
        model = ExpertReview
        fields = [
            "stage",
            "reviewed_on",
            "score",
            "decision",
            "panel",
            "conditions",
            "certificate_on",
        ]
        widgets = {
            "reviewed_on": DateInput(),
            "certificate_on": DateInput(),
            "panel": forms.Textarea(attrs={"rows": 4}),
            "conditions": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "certificate_on": _(
                "For a passed acceptance; the review's date when left empty. The certificate "
                "is valid for %(years)s years."
            )
            % {"years": settings.BENXI_CERTIFICATE_YEARS},
        }

    def __init__(self, *args, stages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [c for c in ReviewStage.choices if c[0] in stages]
        self.fields["score"].widget.attrs.update(min=0, max=100, step="0.1")
        self.fields["score"].help_text = _("The pass mark is %(mark)s.") % {
            "mark": settings.BENXI_REVIEW_PASS_SCORE
        }
        self.helper = FormHelper()
        self.helper.form_id = "review-form"
        self.helper.layout = Layout(
            Row(
                Column("stage", css_class="col-md-3"),
                Column("reviewed_on", css_class="col-md-3"),
                Column("score", css_class="col-md-3"),
                Column("decision", css_class="col-md-3"),
            ),
            "panel",
            "conditions",
            Row(
                Column("accepted_by", css_class="col-md-6"),
                Column("certificate_on", css_class="col-md-6"),
            ),
            Submit("save", _("Record the review")),
        )
