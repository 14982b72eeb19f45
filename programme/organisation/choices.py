"""Coded values of the programme's organisation: bodies, members' roles, tasks' statuses."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class BodyKind(models.TextChoices):
    LEADING_TEAM = "leading_team", _("Leading team")
    OFFICE = "office", _("Programme office")
    WORKING_GROUP = "working_group", _("Working group")


class MemberRole(models.TextChoices):
    LEADER = "leader", _("Leader")
    DEPUTY_LEADER = "deputy_leader", _("Deputy leader")
    DIRECTOR = "director", _("Director")
    DEPUTY_DIRECTOR = "deputy_director", _("Deputy director")
    MEMBER = "member", _("Member")
    LIAISON = "liaison", _("Liaison officer")


class TaskStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("task status", "Open")
    DONE = "done", pgettext_lazy("task status", "Done")
    CANCELLED = "cancelled", pgettext_lazy("task status", "Cancelled")


class MailLanguage(models.TextChoices):
    """The languages a user's e-mails can be written in (settings.LANGUAGES, named in the
    language of the page that shows them)."""

    CHINESE = "zh-hans", _("Chinese")
    ENGLISH = "en", _("English")
