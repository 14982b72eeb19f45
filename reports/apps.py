from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class ReportsConfig(AppConfig):
    verbose_name = pgettext_lazy("menu", "Reports")
    name = "reports"
