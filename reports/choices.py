from django.db import models
from django.utils.translation import gettext_lazy as _


class FormName(models.TextChoices):
    """The annual forms (reports/annual.py FORMS; a test holds them equal)."""

    PROGRAMME = "programme", _("Programme summary")
    AUDITS = "audits", _("CP audit status of enterprises")
    DISCHARGE = "discharge", _("Pollution discharge by enterprise")
    OPTIONS = "options", _("Options by aspect and fee class")
    TARGETS = "targets", _("Target progress")
    TRAINING = "training", _("Training and outreach")


class CopyFormat(models.TextChoices):
    """The files of a copy of record."""

    PDF = "pdf", "PDF"
    XLSX = "xlsx", "XLSX"
    JSON = "json", "JSON"
