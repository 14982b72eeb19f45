"""Forms shared by every app."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _


def _limit_text() -> str:
    return _("CSV (UTF-8) or XLSX, header row first; at most %(size)s MB.") % {
        "size": settings.BENXI_IMPORT_MAX_BYTES // (1024 * 1024)
    }


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=lazy(_limit_text, str)(),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in (".csv", ".xlsx"):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        limit = settings.BENXI_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.") % {"size": limit // (1024 * 1024)}
            )
        return upload
