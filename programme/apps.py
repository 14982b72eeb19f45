from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    """The programme office's own records: its organisation, meetings and tasks, training and
    outreach, policies and incentives, and environmental investment beyond CP options."""

    name = "programme"
    verbose_name = _("Programme office")

    def ready(self) -> None:
        from benxi_cp.datacache import DataScopes
        from benxi_cp.demo import Demo
        from benxi_cp.registry import registry
        from programme import demo, importers, navigation
        from programme.investment import panels as panels_investment
        from programme.organisation import panels as panels_organisation
        from programme.organisation import (  # noqa: F401 (the language users log in with: their e-mails')
            signals,
        )
        from programme.organisation import worklist as worklist_organisation
        from programme.outreach import panels as panels_outreach

        # A write to the registers figures read (training and its participants, incentives,
        # environmental investment) changes its cached figures (benxi_cp/datacache.py); its
        # organisation, tasks, staff profiles (a log-in writes one), policies and reminders
        # are read by no figure.
        unread = ("trainingmaterial", "policy", "body", "member", "meeting", "task")
        unread += ("userprofile", "remindersent")
        tables = {self.get_model(name)._meta.db_table: () for name in unread}
        registry.data_scopes.register(DataScopes("programme", "programme", tables=tables))
        # Its entries of the top navigation (benxi_cp/navigation.py).
        registry.navigation.register(*navigation.ITEMS)
        # Its importers (on the web and in `manage.py import_data`), their columns and
        # format documents.
        registry.importers.register(*importers.IMPORTERS)
        registry.import_columns.register(*importers.COLUMNS)
        registry.format_documents.register(*importers.DOCUMENTS)
        # Its part of the demonstration city (`manage.py load_demo`).
        registry.demo.register(
            Demo("programme", demo.load, prepare=demo.prepare, foreign_records=demo.foreign_records)
        )
        # Its work queues (the landing pages, the reminder e-mails; benxi_cp/worklist.py).
        registry.worklist.register(*worklist_organisation.QUEUES)
        # Training and incentives on the enterprise and audit pages, its organisation on the
        # department page, environmental investment on the enterprise page.
        registry.panels.register(
            *panels_investment.PANELS, *panels_organisation.PANELS, *panels_outreach.PANELS
        )
