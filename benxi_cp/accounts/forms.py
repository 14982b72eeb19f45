"""The administrators' forms for users: create (with a first password), edit (name, e-mail,
active, role) and set a new password. Passwords pass AUTH_PASSWORD_VALIDATORS."""

from django import forms
from django.contrib.auth.forms import SetPasswordForm, UserCreationForm
from django.contrib.auth.models import Group, User
from django.utils.translation import gettext_lazy as _

from benxi_cp import roles


def role_choices():
    # No role is preselected: giving one (above all the administrator's) is a choice.
    return [("", "---------"), *roles.ROLES.items()]


def group_role(user) -> str | None:
    """The role group the user belongs to (not the role a superuser has without one)."""
    if user.pk is None:
        return None
    names = {group.name for group in user.groups.all()}
    return next((role for role in roles.ROLES if role in names), None)


def set_role(user, role: str) -> None:
    """Make `role` the user's only role group; other groups are kept."""
    others = [group for group in user.groups.all() if group.name not in roles.ROLES]
    user.groups.set([*others, Group.objects.get(name=role)])


class RoleField(forms.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            label=_("role"),
            choices=role_choices,
            help_text=_("What the user may see and do."),
            **kwargs,
        )


class UserCreateForm(UserCreationForm):
    role = RoleField()

    class Meta(UserCreationForm.Meta):
        fields = ("username", "first_name", "last_name", "email")

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            set_role(user, self.cleaned_data["role"])
        return user


class UserEditForm(forms.ModelForm):
    role = RoleField()

    class Meta:
        model = User
        fields = ("first_name", "last_name", "email", "is_active")
        labels = {"is_active": _("Active")}
        help_texts = {"is_active": _("An inactive user cannot log in; their records stay.")}

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.current_role = group_role(self.instance)
        self.fields["role"].initial = self.current_role

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk == self.actor.pk:
            if "is_active" in cleaned and not cleaned["is_active"]:
                self.add_error(
                    "is_active",
                    _("You cannot deactivate your own account; ask another administrator."),
                )
            role = cleaned.get("role")
            if self.current_role == roles.ADMINISTRATOR and role and role != roles.ADMINISTRATOR:
                self.add_error(
                    "role",
                    _("You cannot remove your own administrator role; ask another administrator."),
                )
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            set_role(user, self.cleaned_data["role"])
        return user


class UserPasswordForm(SetPasswordForm):
    """An administrator sets a user's new password (the user's other sessions end)."""
