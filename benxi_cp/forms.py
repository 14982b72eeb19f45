"""Forms, fields and widgets shared by every app: a date picker, a field of documents, the
base of model forms with model rules, the import upload."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from benxi_cp.documents import document_type
from benxi_cp.versions import VersionedFormMixin


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


class ModelRulesForm(VersionedFormMixin, forms.ModelForm):
    """A model form whose model rules may name fields it does not show: those errors are
    shown for the whole form instead of raising (Django refuses unknown field names); it
    carries the version of the record it was read at (benxi_cp/versions.py)."""

    def _update_errors(self, errors):
        if hasattr(errors, "error_dict"):
            mapped: dict[str, list] = {}
            for name, messages in errors.error_dict.items():
                key = name if name in self.fields else NON_FIELD_ERRORS
                mapped.setdefault(key, []).extend(messages)
            errors = ValidationError(mapped)
        super()._update_errors(errors)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class DocumentsField(forms.FileField):
    """Any number of documents; each is checked for kind, size and content."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = []
        for upload in files:
            upload = super().clean(upload, initial)
            if upload:
                upload.checked_content_type = document_type(upload)
                cleaned.append(upload)
        if self.required and not cleaned:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return cleaned
