from django.apps import AppConfig
from django.core.signals import request_started
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class BenxiCpConfig(AppConfig):
    name = "benxi_cp"
    verbose_name = _("Benxi CP")

    def ready(self) -> None:
        from benxi_cp import checks  # noqa: F401  (registers the system checks)
        from benxi_cp.accounts import security  # noqa: F401  (starts the idle clock at log-in)

        # Cached figures follow the records: the data tables' writes replace their scopes'
        # tokens; each request starts with no figure served stale.
        from benxi_cp.datacache import forget_stale, install_triggers

        post_migrate.connect(install_triggers, dispatch_uid="benxi_cp.datacache")

        # The apps' guards (registry.guards: the records they lock), registered in
        # their ready(), are made again after each migrate (benxi_cp/guards.py).
        from benxi_cp import guards

        post_migrate.connect(guards.install, dispatch_uid="benxi_cp.guards")
        request_started.connect(forget_stale, dispatch_uid="benxi_cp.datacache.stale")

        # The import of a large file is benxi_cp's own kind of background job.
        from benxi_cp import import_jobs
        from benxi_cp.registry import registry

        registry.job_kinds.register(import_jobs.KIND)
        # The formats' index (docs/formats/README.md), served as a page before the apps'.
        from benxi_cp.formats import Document

        registry.format_documents.register(Document("README", 0))

        # The demo's users, loaded before every app's records (`manage.py load_demo`).
        from benxi_cp import demo

        registry.demo.register(
            demo.Demo("benxi_cp", demo.load, foreign_records=demo.foreign_records)
        )
