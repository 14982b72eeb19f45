from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class BenxiCpConfig(AppConfig):
    name = "benxi_cp"
    verbose_name = _("Benxi CP")

    def ready(self) -> None:
        # Each app registers its importers and navigation entries in modules of these names.
        autodiscover_modules("importers", "navigation")
        from benxi_cp import checks  # noqa: F401  (registers the system checks)

        # Cached figures follow the records: every data table bumps the data version.
        from benxi_cp.datacache import install_triggers

        post_migrate.connect(install_triggers, dispatch_uid="benxi_cp.datacache")
