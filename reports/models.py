"""The reports app keeps no records of its own: it reads the other apps' records.

`ReportAccess` only carries the permissions the reports pages ask for, so that roles are
granted them like any other permission (migration 0002); its table stays empty.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportAccess(models.Model):
    """Permissions to read the dashboards and the annual forms (an empty table)."""

    class Meta:
        default_permissions = ()
        permissions = [
            ("view_dashboard", _("Can read the programme dashboard, charts and comparisons")),
            ("view_annual_forms", _("Can read and download the annual report forms")),
            ("view_epb_dashboard", _("Can read the EPB dashboard")),
        ]
        verbose_name = _("reports access")
        verbose_name_plural = _("reports access")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("reports:dashboard")
