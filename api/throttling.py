"""Throttling per token (or per user, for the browser's session): at most `API_THROTTLE_RATE`
requests in any window of its length, counted atomically.

DRF's own throttle reads the history of a key from the cache, appends to it and writes it
back: concurrent requests of one client lose each other's updates (1,300 requests went
through a limit of 1,200 a minute). Here the count is one atomic step: with Redis, a script
on a sorted set of the window's requests (Redis runs a script alone), shared by every process;
without Redis, or while it is down, in the process's memory under a lock, so the limit holds
per process (logged when it starts to: N processes may then let a client have N times it).
"""

import logging
import threading
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken
from benxi_cp import cache as shared_cache

logger = logging.getLogger(__name__)

# KEYS[1]: the key; ARGV: window (s), limit, a unique member. Returns {allowed, wait in ms}.
SLIDING_WINDOW = """
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local window_ms = tonumber(ARGV[1]) * 1000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now_ms - window_ms)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now_ms, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window_ms)
  return {1, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, tonumber(oldest[2]) + window_ms - now_ms}
"""


# Without Redis the windows are kept in the process's cache (local memory), read and written
# under this lock: atomic within the process.
_local_lock = threading.Lock()


def _local_hit(key: str, limit: int, window: float) -> tuple[bool, float]:
    now = time.time()
    with _local_lock:
        history = [moment for moment in cache.get(key, []) if moment > now - window]
        if len(history) < limit:
            history.append(now)
            cache.set(key, history, int(window) + 1)
            return True, 0.0
        return False, history[0] + window - now


_degraded = {"logged": False}


def hit(key: str, limit: int, window: float) -> tuple[bool, float]:
    """Count one request of `key`: whether it is within `limit` requests in the last
    `window` seconds, and if not, the seconds until it would be."""
    client = shared_cache.redis_client()
    if client is not None:
        try:
            allowed, wait_ms = client.eval(
                SLIDING_WINDOW, 1, f"benxi:throttle:{key}", int(window), limit, uuid.uuid4().hex
            )
        except RedisError as error:
            shared_cache.report_failure(error)
        else:
            shared_cache.report_success()
            if _degraded["logged"]:
                _degraded["logged"] = False
                logger.warning("the API throttle counts in Redis again, for every process")
            return bool(allowed), wait_ms / 1000
    uses_redis = settings.CACHES["default"]["BACKEND"] == "benxi_cp.cache.ResilientRedisCache"
    if uses_redis and not _degraded["logged"]:
        _degraded["logged"] = True
        logger.warning(
            "the API throttle counts in this process only while Redis is down: the limit "
            "holds per process"
        )
    return _local_hit(key, limit, window)


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

    def allow_request(self, request, view) -> bool:
        self.wait_seconds = None
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        allowed, wait = hit(key, self.num_requests, self.duration)
        if not allowed:
            self.wait_seconds = max(wait, 0.001)
        return allowed

    def wait(self) -> float | None:
        return self.wait_seconds
