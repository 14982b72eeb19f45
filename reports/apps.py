from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class ReportsConfig(AppConfig):
    verbose_name = pgettext_lazy("menu", "Reports")
    name = "reports"

    def ready(self) -> None:
        # The database's lock on closed years (reports/yearlock.py), installed and lifted
        # with the other guards (benxi_cp/guards.py).
        from benxi_cp import guards
        from benxi_cp.registry import registry
        from reports import closed, jobs, yearlock

        # A closed year's refusal, as its message (benxi_cp/refusals.py).
        registry.refusals.register(closed.refusal)

        # Its background jobs: an annual form's file for a large year, closing a year.
        registry.job_kinds.register(*jobs.KINDS)

        registry.guards.register(
            guards.Guard(
                "reports.yearlock",
                {"postgresql": yearlock.postgresql_triggers, "sqlite": yearlock.sqlite_triggers},
                tables=yearlock.guarded_tables,
            )
        )

        # Its entries of the top navigation (benxi_cp/navigation.py).
        from reports import navigation

        registry.navigation.register(*navigation.ITEMS)
        registry.landing_pages.register(*navigation.LANDING_PAGES)
        registry.home_links.register(*navigation.HOME_LINKS)

        # The programme summary's contract (docs/formats/), served as a page.
        from benxi_cp.formats import Document

        registry.format_documents.register(Document("programme-summary", 50))

        # Its part of the demonstration city (`manage.py load_demo`).
        from benxi_cp.demo import Demo
        from reports import demo

        registry.demo.register(Demo("reports", demo.load, prepare=demo.prepare))

        # Its work queues (the landing pages, the reminder e-mails; benxi_cp/worklist.py).
        from reports import worklist

        registry.worklist.register(*worklist.QUEUES)
