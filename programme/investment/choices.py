"""The coded values of the programme office's registers (one TextChoices per field)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Environmental investment ----------------------------------------------------------------


class InvestmentCategory(models.TextChoices):
    """What an environmental investment beyond CP options paid for."""

    TREATMENT = "treatment", _("Pollution treatment facilities")
    MONITORING = "monitoring", _("Environmental monitoring")
    GREENING = "greening", _("Greening")
    OTHER = "other", _("Other environmental investment")


class FundSource(models.TextChoices):
    """Where the money of an environmental investment came from."""

    OWN = "own", _("Enterprise's own funds")
    BANK_LOAN = "bank_loan", _("Bank loan")
    GOVERNMENT = "government", _("Government or CP fund")
    CHARGE_REFUND = "charge_refund", _("Pollution charge refund")
    OTHER = "other", _("Other source")


class InvestmentStatus(models.TextChoices):
    """Whether the project is only planned or completed (only completed ones are counted)."""

    PLANNED = "planned", _("Planned")
    COMPLETED = "completed", _("Completed")
