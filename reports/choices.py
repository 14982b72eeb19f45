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
    COMPLIANCE = "compliance", _("Compliance with the permits")
    FEES = "fees", _("Environmental protection tax")


# Each form's number on paper (printed in its heading by reports/annual.py; a test holds them
# equal), for the names of the downloaded files and the forms' index without building a form.
FORM_NUMBERS: dict[str, str] = {
    FormName.PROGRAMME: "CP-1",
    FormName.AUDITS: "CP-2",
    FormName.DISCHARGE: "CP-3",
    FormName.OPTIONS: "CP-4",
    FormName.TARGETS: "CP-5",
    FormName.TRAINING: "CP-6",
    FormName.COMPLIANCE: "CP-7",
    FormName.FEES: "CP-8",
}


class CopyFormat(models.TextChoices):
    """The files of a copy of record."""

    PDF = "pdf", "PDF"
    XLSX = "xlsx", "XLSX"
    JSON = "json", "JSON"
