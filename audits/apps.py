from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    verbose_name = _("CP audits")
    name = "audits"

    def ready(self) -> None:
        # Signals keep the enterprise's CP status current; panels add the enterprise's audits
        # to its page (the register knows nothing of audits).
        from audits import panels, signals  # noqa: F401

        # The database's own lock on accepted audits (audits/locks.py).
        from audits.locks import install_guards

        post_migrate.connect(install_guards, dispatch_uid="audits.locks")

        # Its refusal, where no view caught it, is shown as a message (benxi_cp/refusals.py).
        from django.utils.translation import gettext

        from audits.locks import is_locked_error, is_rule_error
        from audits.models import AuditLocked
        from benxi_cp import refusals

        refusals.register(
            lambda error: " ".join(AuditLocked().messages) if is_locked_error(error) else None
        )
        refusals.register(
            lambda error: (
                gettext(
                    "The database refused the change: it breaks an audit rule (a "
                    "medium/high-fee option needs its feasibility analysis; step 3 needs a "
                    "material balance, step 4 no option left proposed, step 5 the feasibility "
                    "of every selected medium/high-fee option). Nothing was saved."
                )
                if is_rule_error(error)
                else None
            )
        )
