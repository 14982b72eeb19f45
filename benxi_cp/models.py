"""What every app shares: the audit-trail base model and the site's own flags."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TrackedModel(models.Model):
    """Abstract base: when a row was created and changed, and by whom."""

    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        abstract = True

    def stamp(self, user) -> None:
        """Record `user` as the author of this change (and of the row, when it is new)."""
        if user is not None and user.is_authenticated:
            if self._state.adding and self.created_by_id is None:
                self.created_by = user
            self.updated_by = user


class SiteFlag(models.Model):
    """A named flag about this installation, such as whether the demo data is loaded."""

    key = models.CharField(_("key"), max_length=64, unique=True)
    value = models.CharField(_("value"), max_length=255, blank=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("site flag")
        verbose_name_plural = _("site flags")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"

    DEMO_LOADED = "demo_loaded"


class DataVersion(models.Model):
    """One row whose counter every change to the programme's records increases.

    A database trigger on every table of the data apps (installed after each migrate by
    `benxi_cp.datacache.install_triggers`) bumps it in the same statement's transaction, so
    cached figures (`benxi_cp.datacache.cached`) keyed on it can never outlive their records,
    whatever wrote them: a form, the admin, an import's bulk insert, a queryset update, COPY.
    """

    value = models.BigIntegerField(_("value"), default=0)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self) -> str:
        return str(self.value)
