"""Coded values of the target system."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dimension(models.TextChoices):
    ECONOMIC = "economic", _("Economic")
    RESOURCE = "resource", _("Resource")
    ENVIRONMENTAL = "environmental", _("Environmental")
    SOCIAL = "social", _("Social")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class ValueSource(models.TextChoices):
    ENTERED = "entered", _("Entered")
    COMPUTED = "computed", _("Computed from the records")


class Light(models.TextChoices):
    """The traffic light of a target's progress (see targets/progress.py for the rule)."""

    GREEN = "green", _("On track")
    AMBER = "amber", _("Slightly behind")
    RED = "red", _("Behind")
    GREY = "grey", _("No data yet")
