"""API tokens: a key per user and purpose, that an administrator issues and revokes.

Only the key's SHA-256 digest is stored; the key itself is shown once, when it is issued.
A key is 32 random bytes (secrets.token_urlsafe), so a fast digest is enough: there is
nothing to guess that a slow password hash would protect.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEY_PREFIX = "bx_"
PREFIX_LENGTH = 10  # "bx_" and 7 characters: enough to tell a user's tokens apart


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> "ApiTokenQuerySet":
        return self.filter(revoked__isnull=True)


class ApiToken(models.Model):
    """A user's key to the data exchange API; stored as a digest, shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
        help_text=_("The API acts with this user's role and permissions."),
    )
    name = models.CharField(
        _("name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the provincial permit platform."),
    )
    prefix = models.CharField(_("key prefix"), max_length=PREFIX_LENGTH, editable=False)
    key_digest = models.CharField(_("key digest (SHA-256)"), max_length=64, unique=True)
    created = models.DateTimeField(_("issued"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(name=""),
                name="%(app_label)s_%(class)s_name_not_empty",
                violation_error_message=_("A token needs a name."),
            ),
            models.CheckConstraint(
                condition=models.Q(key_digest__regex=r"^[0-9a-f]{64}$"),
                name="%(app_label)s_%(class)s_digest_format",
                violation_error_message=_("The key digest is a SHA-256 in hexadecimal."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name} ({self.user})"

    def get_absolute_url(self) -> str:
        return reverse("api:tokens")

    @property
    def is_active(self) -> bool:
        return self.revoked is None

    @classmethod
    def issue(cls, user, name: str, by=None) -> tuple["ApiToken", str]:
        """A new token for `user`, and its key: the only time the key exists in the clear."""
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            prefix=key[:PREFIX_LENGTH],
            key_digest=digest(key),
            created_by=by,
        )
        return token, key

    def revoke(self, by=None) -> None:
        if self.revoked is None:
            self.revoked, self.revoked_by = timezone.now(), by
            self.save(update_fields=["revoked", "revoked_by"])
