"""Forms of the programme's organisation: bodies, members, meetings, tasks and staff."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from benxi_cp.forms import DateInput
from benxi_cp.sorting import by_label
from benxi_cp.versions import VersionedFormMixin
from programme.models import Body, Meeting, Member, Task, UserProfile
from targets.models import Department


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        full = obj.get_full_name()
        return f"{full} ({obj.username})" if full else obj.username


def _users():
    return get_user_model().objects.filter(is_active=True).order_by("username")


class BodyForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Body
        fields = [
            "code",
            "kind",
            "name",
            "name_en",
            "parent",
            "established",
            "description",
            "description_en",
        ]
        widgets = {
            "established": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["parent"].queryset = Body.objects.exclude(pk=self.instance.pk)
        by_label(self.fields["parent"])
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(
                Column("code", css_class="col-md-4"),
                Column("kind", css_class="col-md-4"),
                Column("established", css_class="col-md-4"),
            ),
            Row(Column("name", css_class="col-md-6"), Column("name_en", css_class="col-md-6")),
            "parent",
            Row(
                Column("description", css_class="col-md-6"),
                Column("description_en", css_class="col-md-6"),
            ),
            Submit("save", _("Save")),
        )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().lower()


class MemberForm(VersionedFormMixin, forms.ModelForm):
    user = UserChoiceField(
        label=_("user account"),
        queryset=_users(),
        required=False,
        help_text=_("Their account here, if they have one."),
    )

    class Meta:
        model = Member
        fields = [
            "body",
            "person_name",
            "position",
            "role",
            "department",
            "user",
            "term_start",
            "term_end",
        ]
        widgets = {"term_start": DateInput(), "term_end": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = _users()
        for name in ("user", "department", "body"):
            by_label(self.fields[name])
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("body", css_class="col-md-6"), Column("role", css_class="col-md-6")),
            Row(
                Column("person_name", css_class="col-md-6"),
                Column("position", css_class="col-md-6"),
            ),
            Row(Column("department", css_class="col-md-6"), Column("user", css_class="col-md-6")),
            Row(
                Column("term_start", css_class="col-md-6"),
                Column("term_end", css_class="col-md-6"),
            ),
            Submit("save", _("Save")),
        )


class MeetingForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["body", "date", "title", "place", "minutes", "decisions"]
        widgets = {
            "date": DateInput(),
            "minutes": forms.Textarea(attrs={"rows": 6}),
            "decisions": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("body", css_class="col-md-6"), Column("date", css_class="col-md-6")),
            Row(Column("title", css_class="col-md-6"), Column("place", css_class="col-md-6")),
            "minutes",
            "decisions",
            Submit("save", _("Save")),
        )


class TaskForm(VersionedFormMixin, forms.ModelForm):
    """A task; on a meeting's page the meeting is the page's, not a field."""

    class Meta:
        model = Task
        fields = ["meeting", "text", "department", "due_date", "status", "done_date", "note"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
            "due_date": DateInput(),
            "done_date": DateInput(),
        }

    def __init__(self, *args, with_meeting: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_meeting:
            del self.fields["meeting"]
        else:
            self.fields["meeting"].queryset = Meeting.objects.select_related("body")
        by_label(self.fields["department"])
        self.helper = FormHelper()
        self.helper.layout = Layout(
            *(["meeting"] if with_meeting else []),
            "text",
            Row(
                Column("department", css_class="col-md-6"),
                Column("due_date", css_class="col-md-6"),
            ),
            Row(
                Column("status", css_class="col-md-6"),
                Column("done_date", css_class="col-md-6"),
            ),
            "note",
            Submit("save", _("Save")),
        )

    def clean(self):
        cleaned = super().clean()
        done_date, meeting = cleaned.get("done_date"), cleaned.get("meeting")
        meeting = meeting if "meeting" in self.fields else self.instance.meeting
        if done_date and meeting and done_date < meeting.date:
            self.add_error("done_date", _("A task cannot be done before its meeting."))
        return cleaned


class UserProfileForm(VersionedFormMixin, forms.ModelForm):
    user = UserChoiceField(label=_("user"), queryset=_users())

    class Meta:
        model = UserProfile
        fields = ["user", "department", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = _users()
        self.fields["department"].queryset = Department.objects.all()
        for name in ("user", "department"):
            by_label(self.fields[name])
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(
                Column("user", css_class="col-md-4"),
                Column("department", css_class="col-md-4"),
                Column("language", css_class="col-md-4"),
            ),
            Submit("save", _("Save")),
        )
