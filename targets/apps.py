from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    verbose_name = _("Targets")
    name = "targets"
