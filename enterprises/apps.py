from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = _("Enterprise register")

    def ready(self) -> None:
        # The discharge panel of the enterprise page registers itself on import.
        # The ledger follows deleted reports (a post_delete receiver).
        from enterprises import (
            ledger,  # noqa: F401
            views_discharge,  # noqa: F401
        )

        # The database's own lock on verified reports (enterprises/locks.py).
        from enterprises.locks import install_guards

        post_migrate.connect(install_guards, dispatch_uid="enterprises.locks")

        # Its refusal, where no view caught it, is shown as a message (benxi_cp/refusals.py).
        from benxi_cp import refusals
        from enterprises.locks import is_locked_error
        from enterprises.models import ReportLocked

        refusals.register(
            lambda error: " ".join(ReportLocked().messages) if is_locked_error(error) else None
        )
