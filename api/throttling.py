"""Throttling per token (or per user, for the browser's session)."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    """`API_THROTTLE_RATE` requests per token; a session counts per user, anonymous per
    address (they get no further than 401 anyway)."""

    scope = "api"

    def get_rate(self) -> str | None:
        # Read at each request, not at import, so that settings overrides apply.
        return getattr(settings, "API_THROTTLE_RATE", None)

    def get_cache_key(self, request, view) -> str:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
