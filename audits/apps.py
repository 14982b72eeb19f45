from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    verbose_name = _("CP audits")
    name = "audits"

    def ready(self) -> None:
        # Signals keep the enterprise's CP status current; panels add the enterprise's audits
        # to its page (the register knows nothing of audits).
        from audits import panels, signals  # noqa: F401
