from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from benxi_cp.documents import document_type
from enterprises.picker import EnterpriseField
from portal.models import Basis, Invitation, Level


class InvitationForm(forms.ModelForm):
    """Who is invited, for which enterprise and at which level; a signatory's basis, and the
    letter of authorisation when they sign for the legal representative."""

    enterprise = EnterpriseField(label=_("enterprise"))
    letter_file = forms.FileField(
        label=_("letter of authorisation"),
        required=False,
        help_text=_(
            "For a signatory authorised in writing: the letter signed by the legal "
            "representative (PDF, image or document, at most 20 MB)."
        ),
    )

    class Meta:
        model = Invitation
        fields = ["full_name", "email", "enterprise", "level", "basis"]

    def clean_letter_file(self):
        upload = self.cleaned_data.get("letter_file")
        if upload:
            upload.checked_content_type = document_type(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        level, basis = cleaned.get("level"), cleaned.get("basis")
        if level == Level.SIGNATORY:
            if not basis:
                self.add_error(
                    "basis",
                    _(
                        "Say whether the signatory is the legal representative or authorised in "
                        "writing."
                    ),
                )
            elif basis == Basis.AUTHORISED and not cleaned.get("letter_file"):
                self.add_error(
                    "letter_file",
                    _("Upload the letter of authorisation signed by the legal representative."),
                )
        else:
            cleaned["basis"] = ""
            self.instance.basis = ""
            if cleaned.get("letter_file"):
                self.add_error("letter_file", _("Only a signatory's grant has a letter."))
        return cleaned


class AcceptForm(forms.Form):
    username = forms.CharField(
        label=_("user name"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @/./+/-/_ only."),
    )
    password1 = forms.CharField(label=_("password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("password again"), widget=forms.PasswordInput, strip=False)

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This user name is taken; choose another."))
        return username

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            user = User(username=cleaned.get("username", ""))
            try:
                password_validation.validate_password(first, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("one-time code"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class SignForm(forms.Form):
    password = forms.CharField(label=_("your password"), widget=forms.PasswordInput, strip=False)
    code = forms.CharField(
        label=_("one-time code"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    document_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, serious_flags=(), **kwargs):
        super().__init__(*args, **kwargs)
        # A serious flag is explained before the report is signed; the explanation is part
        # of the document signed.
        for flag in serious_flags:
            self.fields[f"explain_{flag.pk}"] = forms.CharField(
                label=_("Explain: %(flag)s") % {"flag": flag.message},
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=2000,
            )

    def explanations(self) -> dict[int, str]:
        return {
            int(name.removeprefix("explain_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("explain_")
        }


class AmendForm(forms.Form):
    """The reason an enterprise amends its signed report."""

    reason = forms.CharField(
        label=_("Reason for the amendment"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Say what is corrected and why; it is signed with the new version."),
        error_messages={"required": _("Say why the report is amended.")},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why the report is amended."))
        return reason


class ApplicationForm(forms.Form):
    """The enterprise's application for assessment or acceptance: its two documents."""

    report_file = forms.FileField(
        label=_("Audit report (送审稿)"),
        help_text=_("PDF, image or document, at most 20 MB."),
    )
    performance_file = forms.FileField(
        label=_("Performance table (绩效表)"),
        help_text=_("PDF, spreadsheet or document, at most 20 MB."),
    )
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_report_file(self):
        upload = self.cleaned_data["report_file"]
        upload.checked_content_type = document_type(upload)
        return upload

    def clean_performance_file(self):
        upload = self.cleaned_data["performance_file"]
        upload.checked_content_type = document_type(upload)
        return upload


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for return"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
