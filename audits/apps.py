from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    verbose_name = _("CP audits")
    name = "audits"

    def ready(self) -> None:
        # Signals keep the enterprise's CP status current; panels add the enterprise's audits
        # to its page (the register knows nothing of audits).
        # The database's own lock on accepted audits and the audit rules (audits/locks.py),
        # installed with the other guards after each migrate (benxi_cp/guards.py).
        from audits import history, locks, panels, signals  # noqa: F401
        from benxi_cp import guards

        guards.register(
            "audits.locks",
            postgresql=locks.postgresql_triggers,
            sqlite=locks.sqlite_triggers,
            tables=locks.guarded_tables,
        )

        # Its refusal, where no view caught it, is shown as a message (benxi_cp/refusals.py).
        from audits.locks import is_locked_error, is_rule_error
        from audits.models import AuditLocked
        from audits.steps import database_refusal
        from benxi_cp import refusals

        refusals.register(
            lambda error: " ".join(AuditLocked().messages) if is_locked_error(error) else None
        )
        refusals.register(lambda error: database_refusal(error) if is_rule_error(error) else None)
