from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class BenxiCpConfig(AppConfig):
    name = "benxi_cp"
    verbose_name = _("Benxi CP")

    def ready(self) -> None:
        # Each app registers its importers and navigation entries in modules of these names.
        autodiscover_modules("importers", "navigation")
