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
        # tokens (triggers made after each migrate, with the apps' guards: `after_migrate`);
        # each request starts with no figure served stale.
        from benxi_cp.datacache import forget_stale

        post_migrate.connect(after_migrate, dispatch_uid="benxi_cp.after_migrate")
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


def after_migrate(app_config, using: str = "default", **kwargs) -> None:
    """The figures' scope triggers (benxi_cp/datacache.py), then the guards the apps register
    in their ready() (registry.guards: the records they lock; benxi_cp/guards.py), made again
    after each migrate: once, on benxi_cp's signal (post_migrate is sent for every app once
    all are migrated). Not after a flush, which sends it too, without a plan: emptying the
    tables left their triggers in place."""
    if app_config.label != "benxi_cp" or "plan" not in kwargs:
        return
    from benxi_cp import datacache, guards

    datacache.install_triggers(using=using)
    guards.install(using=using)
