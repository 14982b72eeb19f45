"""The permit's page form: the permit itself and a grid of its limits, one row per limit, as
the import file has them (docs/formats/permits.md)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from benxi_cp.documents import document_type
from benxi_cp.forms import DateInput
from benxi_cp.validators import DATE_MESSAGE, in_range
from benxi_cp.versions import VersionedFormMixin
from enterprises.models import Pollutant
from enterprises.picker import EnterpriseField
from permits import issuing
from permits.choices import (
    CONCENTRATION_BASES,
    Frequency,
    LimitBasis,
    Method,
    OutletCategory,
    OutletKind,
    unit_for,
)
from permits.models import Permit

MEDIA = ("water", "air")  # the pollutants a permit limits: those discharged to water or air
EXTRA_ROWS = 4  # empty rows of the grid, for new limits


class PermitForm(VersionedFormMixin, forms.ModelForm):
    """The permit's number, enterprise, days in force, issuer and document."""

    enterprise = EnterpriseField(label=_("enterprise"))
    upload = forms.FileField(
        label=_("document"),
        required=False,
        help_text=_("The permit as issued (PDF, Word, image); replaces the stored one."),
    )

    class Meta:
        model = Permit
        fields = ["number", "enterprise", "valid_from", "valid_to", "issuer"]
        widgets = {
            "valid_from": DateInput(),
            "valid_to": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A permit stays its enterprise's; another enterprise's permit is a new permit.
            self.fields["enterprise"].disabled = True
            self.initial["enterprise"] = self.instance.enterprise

    def clean_number(self) -> str:
        return self.cleaned_data["number"].strip()

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            upload.checked_content_type = document_type(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("valid_from"), cleaned.get("valid_to")
        for name, day in (("valid_from", first), ("valid_to", last)):
            if day is not None and not in_range(day.year):
                self.add_error(name, DATE_MESSAGE)
        if first and last and last < first:
            self.add_error("valid_to", _("The last day in force cannot be before the first."))
        return cleaned

    def validate_unique(self):
        # The number's uniqueness and the rest are the permit's whole check (issuing.py).
        pass


class LimitRowForm(forms.Form):
    """One limit of the grid; a row left empty is no limit."""

    outlet = forms.CharField(label=_("outlet"), max_length=16, required=False)
    outlet_kind = forms.ChoiceField(
        label=_("outlet kind"), choices=[("", "—"), *OutletKind.choices], required=False
    )
    category = forms.ChoiceField(
        label=_("category"), choices=[("", "—"), *OutletCategory.choices], required=False
    )
    pollutant = forms.ChoiceField(label=_("pollutant"))
    basis = forms.ChoiceField(label=pgettext_lazy("averaging", "basis"), choices=LimitBasis.choices)
    value = forms.DecimalField(label=_("limit"), max_digits=14, decimal_places=4, min_value=0)
    unit = forms.CharField(
        label=_("unit"),
        max_length=8,
        required=False,
        help_text=_("Empty: the basis's unit (mg/L, mg/m3 or t)."),
    )
    monitoring = forms.ChoiceField(
        label=_("required monitoring"), choices=[("", "—"), *Frequency.choices], required=False
    )

    def __init__(self, *args, pollutants: dict[str, Pollutant], **kwargs):
        super().__init__(*args, **kwargs)
        self.pollutants = pollutants
        self.fields["pollutant"].choices = [("", "—")] + [
            (code, f"{code} {pollutant.display_name}") for code, pollutant in pollutants.items()
        ]

    def clean_pollutant(self) -> Pollutant:
        return self.pollutants[self.cleaned_data["pollutant"]]

    def clean_outlet(self) -> str:
        return self.cleaned_data["outlet"].strip().upper()

    def limit_row(self, row: int) -> issuing.LimitRow:
        data = self.cleaned_data
        unit = data["unit"].strip() or unit_for(data["basis"], data["outlet_kind"] or None) or ""
        return issuing.LimitRow(
            row=row,
            outlet=data["outlet"],
            outlet_kind=data["outlet_kind"],
            pollutant=data["pollutant"],
            basis=data["basis"],
            value=data["value"],
            unit=unit,
            monitoring=data["monitoring"],
            category=data["category"],
        )


class BaseLimitFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not any(
            form.has_changed() and not self._should_delete_form(form) for form in self.forms
        ):
            raise forms.ValidationError(_("A permit has at least one limit."))


LimitFormSet = forms.formset_factory(
    LimitRowForm, formset=BaseLimitFormSet, extra=EXTRA_ROWS, can_delete=True
)


def limit_pollutants() -> dict[str, Pollutant]:
    """The pollutants a limit may name, by code, in the catalogue's order (one query)."""
    return {p.code: p for p in Pollutant.objects.filter(medium__in=MEDIA).order_by("position")}


def limit_initial(permit: Permit) -> list[dict]:
    """The grid's rows for the permit's limits as stored."""
    return [
        {
            "outlet": limit.outlet.code if limit.outlet_id else "",
            "outlet_kind": limit.outlet.kind if limit.outlet_id else "",
            "category": limit.outlet.category if limit.outlet_id else "",
            "pollutant": limit.pollutant.code,
            "basis": limit.basis,
            "value": limit.value.normalize(),
            "unit": limit.unit,
            "monitoring": limit.monitoring,
        }
        for limit in permit.limits.select_related("outlet", "pollutant").order_by(
            "outlet__code", "pollutant__position", "basis"
        )
    ]


# -- monitoring: the EPB's grid ---------------------------------------------------------------
GRID_ROWS = 10  # empty rows of a grid opened without a month or day


class MonitoringSeriesForm(forms.Form):
    """What the grid's values are of: one outlet's pollutant on one basis, by one method."""

    enterprise = EnterpriseField(label=_("enterprise"))
    outlet = forms.CharField(label=_("outlet"), max_length=16)
    pollutant = forms.ChoiceField(label=_("pollutant"))
    basis = forms.ChoiceField(
        label=pgettext_lazy("averaging", "basis"),
        choices=[(b.value, b.label) for b in CONCENTRATION_BASES],
    )
    method = forms.ChoiceField(label=_("method"), choices=Method.choices, initial=Method.MANUAL)

    def __init__(self, *args, pollutants: dict[str, Pollutant], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pollutant"].choices = [
            (code, f"{code} {pollutant.display_name}") for code, pollutant in pollutants.items()
        ]

    def clean_outlet(self) -> str:
        return self.cleaned_data["outlet"].strip().upper()


class MonitoringRowForm(forms.Form):
    """One value of the grid; a row without a value is skipped (it deletes nothing)."""

    measured_at = forms.CharField(
        label=_("measured at"),
        max_length=16,
        required=False,
        help_text=_("YYYY-MM-DD for a daily mean, YYYY-MM-DD HH:00 for an hourly mean."),
    )
    value = forms.DecimalField(
        label=_("value"), max_digits=14, decimal_places=4, min_value=0, required=False
    )
    below_detection = forms.BooleanField(label=_("below detection"), required=False)

    def cells(self) -> dict[str, str] | None:
        """The row as the monitoring format's cells, or None for an empty row."""
        data = self.cleaned_data
        if data.get("value") is None:
            return None
        return {
            "measured_at": (data.get("measured_at") or "").strip(),
            "value": "" if data.get("value") is None else format(data["value"], "f"),
            "below_detection": "yes" if data.get("below_detection") else "no",
        }


MonitoringFormSet = forms.formset_factory(MonitoringRowForm, extra=0, max_num=800)
