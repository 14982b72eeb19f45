from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PermitsConfig(AppConfig):
    """Discharge permits with their outlets and limits, and the monitoring of the outlets."""

    name = "permits"
    verbose_name = _("Permits and monitoring")

    def ready(self) -> None:
        from benxi_cp.datacache import DataScopes
        from benxi_cp.demo import Demo
        from benxi_cp.registry import registry
        from permits import demo, glossary, importers, navigation, panels, reliability, worklist

        # The compliance and fee forms (reports/annual.py) read its tables: a write to any
        # of them changes the `permits` scope of the cached figures (benxi_cp/datacache.py).
        registry.data_scopes.register(DataScopes("permits", "permits"))
        # Its entries of the top navigation (benxi_cp/navigation.py).
        registry.navigation.register(*navigation.ITEMS)
        # Its importers (on the web and in `manage.py import_data`), their columns and
        # format documents.
        registry.importers.register(*importers.IMPORTERS)
        registry.import_columns.register(*importers.COLUMNS)
        registry.format_documents.register(*importers.DOCUMENTS)
        # Its section of the help page, and its panel on the enterprise page.
        registry.glossary.register(*glossary.SECTIONS)
        registry.panels.register(*panels.PANELS)
        # The EPB's queue of open and overdue enforcement cases.
        registry.worklist.register(*worklist.QUEUES)
        # An annual report's permitted quantities and monitoring, for its reliability flags.
        registry.reliability_sources.register(*reliability.SOURCES)
        # Its part of the demo city (manage.py load_demo), after the register's discharge.
        registry.demo.register(Demo("permits", demo.load))
