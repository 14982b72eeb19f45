from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    verbose_name = _("CP audits")
    name = "audits"

    def ready(self) -> None:
        # Signals keep the enterprise's CP status current.
        # The database's own lock on accepted audits and the audit rules (audits/locks.py),
        # installed with the other guards after each migrate (benxi_cp/guards.py).
        from audits import history, locks, panels, signals  # noqa: F401
        from benxi_cp import guards
        from benxi_cp.datacache import DataScopes
        from benxi_cp.registry import registry

        # Any write to its tables changes the audits' cached figures (benxi_cp/datacache.py).
        registry.data_scopes.register(DataScopes("audits", "audits"))

        registry.guards.register(
            guards.Guard(
                "audits.locks",
                {"postgresql": locks.postgresql_triggers, "sqlite": locks.sqlite_triggers},
                tables=locks.guarded_tables,
            )
        )

        # Its refusal, where no view caught it, is shown as a message (benxi_cp/refusals.py).
        from django.core.exceptions import ValidationError

        from audits.models import AuditLocked
        from audits.steps import database_refusal

        registry.refusals.register(
            lambda error: AuditLocked() if locks.is_locked_error(error) else None,
            lambda error: (
                ValidationError(database_refusal(error)) if locks.is_rule_error(error) else None
            ),
        )

        # Its entries of the top navigation (benxi_cp/navigation.py).
        from audits import navigation

        registry.navigation.register(*navigation.ITEMS)

        # Its importers (on the web and in `manage.py import_data`) and their columns.
        from audits import importers

        registry.importers.register(*importers.IMPORTERS, history.AuditHistoryImporter)
        registry.import_columns.register(*importers.COLUMNS)
        registry.format_documents.register(*importers.DOCUMENTS)

        # Its part of the demonstration city (`manage.py load_demo`).
        from audits import demo
        from benxi_cp.demo import Demo

        registry.demo.register(Demo("audits", demo.load, foreign_records=demo.foreign_records))

        # Its work queues (the landing pages, the reminder e-mails; benxi_cp/worklist.py).
        from audits import certificates, worklist

        registry.worklist.register(*worklist.QUEUES, certificates.QUEUE)

        # What the search box finds of its records, and its sections of the help page.
        from audits import glossary, search

        registry.search.register(*search.SOURCES)
        registry.glossary.register(*glossary.SECTIONS)

        # Its panels on other apps' pages (benxi_cp/panels.py).

        registry.panels.register(*panels.PANELS)
