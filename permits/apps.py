from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PermitsConfig(AppConfig):
    """Discharge permits with their outlets and limits, and the monitoring of the outlets."""

    name = "permits"
    verbose_name = _("Permits and monitoring")

    def ready(self) -> None:
        # Its importers and navigation entries are found by benxi_cp's autodiscovery (modules
        # `importers` and `navigation`), its glossary section by the help page's. The
        # enterprise page's panel of permits registers itself on import.
        from permits import panels  # noqa: F401
