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
    """The token of one scope of the programme's records, replaced whenever they change.

    Database triggers on the data apps' tables (installed after each migrate by
    `benxi_cp.datacache.install_triggers`) replace a scope's token when a transaction that
    wrote it commits, so cached figures (`benxi_cp.datacache.cached`) keyed on the tokens of
    their scopes never outlive their records, whatever wrote them: a form, the admin, an
    import's bulk insert or COPY, a queryset update, raw SQL.
    """

    scope = models.CharField(_("scope"), max_length=32, primary_key=True)
    token = models.BigIntegerField(_("token"), help_text=_("A random number, never reused."))

    class Meta:
        ordering = ["scope"]
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self) -> str:
        return f"{self.scope}={self.token}"
