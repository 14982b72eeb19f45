from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    """The programme office's own records: its organisation, meetings and tasks, training and
    outreach, policies and incentives, and environmental investment beyond CP options."""

    name = "programme"
    verbose_name = _("Programme office")

    def ready(self) -> None:
        # Environmental investment: its panel on the enterprise page.
        from programme import panels_investment  # noqa: F401
