"""System checks of benxi_cp: what the machine must have for the pages to come out right."""

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.checks import Error, Warning, register
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


@register()
def check_static_files_collected(app_configs=None, **kwargs) -> list[Error]:
    """With DEBUG off the pages name static files by their hashed names from the manifest that
    `collectstatic` writes: without it every page would fail. Not run by collectstatic itself."""
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return []
    if staticfiles_storage.exists(staticfiles_storage.manifest_name):
        return []
    return [
        Error(
            _("The static files have not been collected into %(root)s.")
            % {"root": settings.STATIC_ROOT},
            hint=_("Run manage.py collectstatic --no-input (make serve runs it)."),
            id="benxi_cp.E002",
        )
    ]
