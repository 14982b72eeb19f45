"""System checks of benxi_cp: what the machine must have for the pages to come out right."""

from django.core.checks import Warning, register
from django.utils.translation import gettext as _

from benxi_cp import fonts


@register()
def check_cjk_font(app_configs=None, **kwargs) -> list[Warning]:
    """Without a Chinese font the charts draw empty boxes in place of every Chinese label."""
    if fonts.find_cjk_font() is not None:
        return []
    return [
        Warning(
            _("No Chinese (CJK) font found: charts will show boxes instead of Chinese text."),
            hint=_("Install the Debian package %(package)s (apt-get install %(package)s).")
            % {"package": fonts.CJK_PACKAGE},
            id="benxi_cp.W001",
        )
    ]
