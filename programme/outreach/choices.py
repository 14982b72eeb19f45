"""Coded values of training and outreach, and of policies and incentives; the codes are
those of docs/formats/training.md and incentives.md."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    TRAINING = "training", _("Training")
    OUTREACH = "outreach", _("Outreach")


class Audience(models.TextChoices):
    """The five audiences the programme trains and informs (the seed paper's list)."""

    DECISION_MAKERS = "decision_makers", _("Top decision-makers of the municipality")
    AUTHORITIES = "authorities", _("Managing departments of the authorities")
    ENTERPRISES = "enterprises", _("Enterprises' legal persons, managers and engineers")
    AUDITORS = "auditors", _("CP auditors")
    PUBLIC = "public", _("Mass organisations and the public")


class PolicyLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    MUNICIPAL = "municipal", _("Municipal")


class PolicyStatus(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    REVISED = "revised", _("Revised")
    REPEALED = "repealed", _("Repealed")


class PolicyKind(models.TextChoices):
    POLLUTION_CHARGE = "pollution_charge", _("Pollution discharge charge")
    CP_FUND = "cp_fund", _("CP fund")
    REWARD = "reward", _("Reward")
    LOAN = "loan", _("Loan")
    PERMIT = "permit", _("Discharge permit")
    OTHER = "other", _("Other")


class IncentiveKind(models.TextChoices):
    CP_FUND_GRANT = "cp_fund_grant", _("CP fund grant")
    REWARD = "reward", _("Reward")
    LOAN = "loan", _("Loan")
    OTHER = "other", _("Other")
