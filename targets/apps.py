from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    verbose_name = _("Targets")
    name = "targets"

    def ready(self) -> None:
        # Any write to its tables changes the targets' cached figures (benxi_cp/datacache.py).
        from benxi_cp.datacache import DataScopes
        from benxi_cp.registry import registry

        registry.data_scopes.register(DataScopes("targets", "targets"))

        from enterprises.signals import discharge_changed
        from targets.receivers import recompute_after_discharge_change

        discharge_changed.connect(recompute_after_discharge_change, dispatch_uid="targets")

        # Its entries of the top navigation (benxi_cp/navigation.py).
        from targets import navigation

        registry.navigation.register(*navigation.ITEMS)

        # Its part of the demonstration city (`manage.py load_demo`).
        from benxi_cp.demo import Demo
        from targets import demo

        registry.demo.register(Demo("targets", demo.load, foreign_records=demo.foreign_records))

        # The indicators' computations from the records (registry.computations).
        from targets import computations  # noqa: F401
