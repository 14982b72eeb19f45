from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    """The programme office's own records: its organisation, meetings and tasks, training and
    outreach, policies and incentives, and environmental investment beyond CP options."""

    name = "programme"
    verbose_name = _("Programme office")

    def ready(self) -> None:
        # Training and incentives on the enterprise and audit pages (their panel hooks).
        # Organisation: the department page's panel, and the language users log in with
        # (their reminder e-mails are written in it).
        from programme import (  # noqa: F401
            panels_organisation,
            panels_outreach,  # noqa: F401
            signals_organisation,
        )
