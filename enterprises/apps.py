from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = _("Enterprise register")

    def ready(self) -> None:
        # The discharge panel of the enterprise page registers itself on import.
        from enterprises import views_discharge  # noqa: F401
