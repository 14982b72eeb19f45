from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    verbose_name = _("CP audits")
    name = "audits"
