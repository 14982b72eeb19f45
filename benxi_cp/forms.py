"""Forms shared by every app."""

from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_IMPORT_BYTES = 50 * 1024 * 1024


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8) or XLSX, header row first; at most 50 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in (".csv", ".xlsx"):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload
