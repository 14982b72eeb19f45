from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PermitsConfig(AppConfig):
    """Discharge permits with their outlets and limits, and the monitoring of the outlets."""

    name = "permits"
    verbose_name = _("Permits and monitoring")

    def ready(self) -> None:
        from benxi_cp.datacache import DataScopes
        from benxi_cp.registry import registry
        from permits import glossary, importers, navigation, panels, reliability, worklist

        # No cached figure reads its tables (compliance and the tax are computed on their
        # pages, from the permits and the register's verified discharge): a write to them
        # changes no figure (benxi_cp/datacache.py).
        tables = {
            model._meta.db_table: ()
            for model in self.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        }
        registry.data_scopes.register(DataScopes("permits", "permits", tables=tables))
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
