from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    verbose_name = _("Targets")
    name = "targets"

    def ready(self) -> None:
        from enterprises.signals import discharge_changed
        from targets.receivers import recompute_after_discharge_change

        discharge_changed.connect(recompute_after_discharge_change, dispatch_uid="targets")
