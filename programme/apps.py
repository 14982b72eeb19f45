from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    """The programme office's own records: its organisation, meetings and tasks, training and
    outreach, policies and incentives, and environmental investment beyond CP options."""

    name = "programme"
    verbose_name = _("Programme office")

    def ready(self) -> None:
        # Any write to its registers changes its cached figures (the investment trend;
        # benxi_cp/datacache.py).
        from benxi_cp.datacache import DataScopes
        from benxi_cp.registry import registry

        registry.data_scopes.register(DataScopes("programme", "programme"))

        # Training and incentives on the enterprise and audit pages (their panel hooks).
        # Organisation: the department page's panel, and the language users log in with
        # (their reminder e-mails are written in it).
        # Environmental investment: its panel on the enterprise page.
        # Its entries of the top navigation (benxi_cp/navigation.py).
        from programme import (  # noqa: F401
            navigation,
            panels_investment,
            panels_organisation,
            panels_outreach,
            signals_organisation,
        )

        registry.navigation.register(*navigation.ITEMS)

        # Its importers (on the web and in `manage.py import_data`) and their columns.
        from programme import importers

        registry.importers.register(*importers.IMPORTERS)
        registry.import_columns.register(*importers.COLUMNS)
        registry.format_documents.register(*importers.DOCUMENTS)

        # Its part of the demonstration city (`manage.py load_demo`).
        from benxi_cp.demo import Demo
        from programme import demo

        registry.demo.register(
            Demo("programme", demo.load, prepare=demo.prepare, foreign_records=demo.foreign_records)
        )

        # Its work queues (the landing pages, the reminder e-mails; benxi_cp/worklist.py).
        from programme import worklist_organisation

        registry.worklist.register(*worklist_organisation.QUEUES)
