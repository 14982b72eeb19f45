from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken


class TokenIssueForm(forms.ModelForm):
    """An administrator issues a token for a user (whose role and permissions it carries)."""

    user = forms.ModelChoiceField(
        label=_("user"),
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        help_text=_("The API acts with this user's role and permissions."),
    )

    class Meta:
        model = ApiToken
        fields = ["user", "name"]
