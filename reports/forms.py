from django import forms
from django.utils.translation import gettext_lazy as _


class ReopenForm(forms.Form):
    """Reopening a closed year: the reason is kept with the closing."""

    reason = forms.CharField(
        label=_("Reason for reopening"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Why the signed figures must change. It is kept with the year's closing, and "
            "the forms then show each figure that differs from the copy of record."
        ),
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason for reopening the year."))
        return reason
