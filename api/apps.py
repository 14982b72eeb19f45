from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("Data exchange API")

    def ready(self) -> None:
        # Its entries of the top navigation (benxi_cp/navigation.py).
        from api import navigation
        from benxi_cp.registry import registry

        registry.navigation.register(*navigation.ITEMS)
