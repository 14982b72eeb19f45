from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = _("Enterprise register")

    def ready(self) -> None:
        # The ledger follows deleted reports (a post_delete receiver).
        # The database's own lock on verified reports (enterprises/locks.py), installed with
        # the other guards after each migrate (benxi_cp/guards.py).
        from benxi_cp import guards
        from benxi_cp.registry import registry
        from enterprises import (
            ledger,  # noqa: F401
            locks,
        )

        registry.guards.register(
            guards.Guard(
                "enterprises.locks",
                {"postgresql": locks.postgresql_triggers, "sqlite": locks.sqlite_triggers},
                tables=locks.guarded_tables,
                present=locks.schema_ready,
            )
        )

        # The scopes of cached figures its tables change (benxi_cp/datacache.py).
        from enterprises import scopes

        registry.data_scopes.register(scopes.SCOPES)

        # Its refusal, where no view caught it, is shown as a message (benxi_cp/refusals.py).
        from enterprises.models import ReportLocked

        registry.refusals.register(
            lambda error: ReportLocked() if locks.is_locked_error(error) else None
        )

        # Its entries of the top navigation (benxi_cp/navigation.py).
        from enterprises import navigation

        registry.navigation.register(*navigation.ITEMS)

        # Its importers (on the web and in `manage.py import_data`) and their columns.
        from enterprises import importers

        registry.importers.register(*importers.IMPORTERS)
        registry.import_columns.register(*importers.COLUMNS)
        registry.format_documents.register(*importers.DOCUMENTS)

        # Its part of the demonstration city (`manage.py load_demo`).
        from benxi_cp.demo import Demo
        from enterprises import demo

        registry.demo.register(Demo("enterprises", demo.load, foreign_records=demo.foreign_records))

        # Its work queues (the landing pages, the reminder e-mails; benxi_cp/worklist.py).
        from enterprises import worklist

        registry.worklist.register(*worklist.QUEUES)

        # What the search box finds of its records, and its sections of the help page.
        from enterprises import glossary, search

        registry.search.register(*search.SOURCES)
        registry.glossary.register(*glossary.SECTIONS)

        # The enterprise page's own panel, its discharge reports (benxi_cp/panels.py).
        from enterprises import panels

        registry.panels.register(*panels.PANELS)
