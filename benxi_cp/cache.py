"""The shared cache (Redis) as an optimisation, never a dependency.

`ResilientRedisCache` is Django's Redis cache while Redis answers. When a call fails (Redis
stopped, restarting, unreachable), the process logs it once, serves every cache call from its
own memory (a local-memory cache: the figures are computed again, per process) and leaves
Redis alone for `BENXI_CACHE_RETRY_SECONDS`; the first call after that tries Redis again, and
when it answers the process logs that and goes back to it. No request waits for Redis longer
than its short socket timeouts (settings.py), and none fails because of it.

`redis_client()` gives the raw client to those that need Redis itself (the atomic counter of
the data exchange API's throttle), or None when there is no Redis or it is down.
"""

import functools
import logging
import threading
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# The state of Redis as this process saw it, shared by the cache's per-thread instances.
_state = {"down_until": 0.0, "down_since": None}
_state_lock = threading.Lock()
# The process's own cache while Redis is down (local-memory caches of one name share it).
_fallback = LocMemCache("benxi-cp-redis-down", {"OPTIONS": {"MAX_ENTRIES": 1000}})


def redis_down() -> bool:
    """Whether this process currently leaves Redis alone (it failed a moment ago)."""
    return _state["down_until"] > time.monotonic()


def _went_down(error: Exception) -> None:
    retry = settings.BENXI_CACHE_RETRY_SECONDS
    with _state_lock:
        first = _state["down_since"] is None
        _state["down_until"] = time.monotonic() + retry
        if first:
            _state["down_since"] = time.monotonic()
    if first:
        logger.warning(
            "the cache (Redis) does not answer (%s): this process serves from its own memory "
            "and tries Redis again every %s s",
            error,
            retry,
        )


def _came_back() -> None:
    with _state_lock:
        since = _state["down_since"]
        _state["down_since"] = None
        _state["down_until"] = 0.0
    if since is not None:
        logger.warning(
            "the cache (Redis) answers again after %.0f s: back to the shared cache",
            time.monotonic() - since,
        )


def _resilient(name: str):
    redis_method = getattr(RedisCache, name)

    @functools.wraps(redis_method)
    def method(self, *args, **kwargs):
        if redis_down():
            return getattr(_fallback, name)(*args, **kwargs)
        try:
            result = redis_method(self, *args, **kwargs)
        except RedisError as error:
            _went_down(error)
            return getattr(_fallback, name)(*args, **kwargs)
        if _state["down_since"] is not None:
            _came_back()
        return result

    return method


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, falling back to the process's memory while Redis is down."""

    for _name in (
        "add",
        "get",
        "set",
        "touch",
        "delete",
        "get_many",
        "has_key",
        "incr",
        "set_many",
        "delete_many",
        "clear",
    ):
        locals()[_name] = _resilient(_name)
    del _name

    def raw_client(self):
        return self._cache.get_client(write=True)


def redis_client():
    """The default cache's Redis client, or None: no Redis configured, or down just now."""
    cache = caches["default"]
    if not isinstance(cache, ResilientRedisCache) or redis_down():
        return None
    return cache.raw_client()


def report_failure(error: Exception) -> None:
    """A caller of `redis_client()` whose command failed: Redis is down for this process."""
    _went_down(error)


def report_success() -> None:
    if _state["down_since"] is not None:
        _came_back()
