from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import pgettext_lazy


class ReportsConfig(AppConfig):
    verbose_name = pgettext_lazy("menu", "Reports")
    name = "reports"

    def ready(self) -> None:
        # The database's lock on closed years (reports/yearlock.py), lifted with the lock on
        # verified reports for loaders of generated data and SQLite's flush.
        from enterprises import locks
        from reports import jobs, yearlock  # noqa: F401 (jobs: its background jobs' work)

        post_migrate.connect(yearlock.install, dispatch_uid="reports.yearlock")
        if (yearlock.remove, yearlock.install) not in locks.ALSO_SUSPENDED:
            locks.ALSO_SUSPENDED.append((yearlock.remove, yearlock.install))
