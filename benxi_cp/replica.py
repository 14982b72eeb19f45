"""Reads from a PostgreSQL hot standby (the `replica` alias, from DATABASE_REPLICA_URL).

Without DATABASE_REPLICA_URL nothing here is in use: there is no router, and the middleware
passes every request through. With it, django-multidb-router's pinning decides, and this
module adds what the programme needs:

- **Reads go to the replica** in web requests only: pages, lists, dashboards, forms and the
  API's reads (the middleware opens `replica_reads()` around each request that is not
  pinned). Everything else reads from the primary: management commands, the worker, threads.
- **The primary** takes every write (Django sends writes to `db_for_write`), and the reads of:
  a request that may write (any method but GET, HEAD, OPTIONS, TRACE) and the same browser's
  requests for BENXI_REPLICA_PIN_SECONDS after it (multidb's cookie: a user reads their own
  writes); anything inside a transaction the code opened (`transaction.atomic()` reads what it
  will write from); the task worker (`db_worker` pins its whole process, `pin_process()`); and
  the figures' cache (benxi_cp/datacache.py computes and checks its tokens under `primary()`:
  a figure computed from a lagging replica must never be stored under the primary's tokens).
- **A replica that does not answer** is not waited for: the first failed connection is logged
  once, and reads go to the primary for BENXI_REPLICA_RETRY_SECONDS before it is tried again.
  A kept connection is checked once a request (CONN_HEALTH_CHECKS), not at every query.
- `status()` says how both databases are, for /health/: the primary answers or not; the
  replica is up with its replay lag, or down.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterator

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from multidb import PinningReplicaRouter
from multidb.middleware import PinningRouterMiddleware
from multidb.pinning import pin_this_thread, this_thread_is_pinned, unpin_this_thread

logger = logging.getLogger(__name__)

REPLICA = "replica"

_local = threading.local()  # .replica_reads: this thread serves a request that may read it
_state = threading.Lock()
_down_until = 0.0  # time.monotonic() before which the replica is not tried again
_process_pinned = False  # the task worker: every read of this process from the primary


def configured() -> bool:
    """Whether a replica alias is configured (DATABASE_REPLICA_URL)."""
    return REPLICA in settings.DATABASES


def pin_process() -> None:
    """Send every read of this process to the primary (the task worker: a job reads what it
    and the requests before it wrote, and writes from what it read)."""
    global _process_pinned
    _process_pinned = True


def unpin_process() -> None:
    global _process_pinned
    _process_pinned = False


@contextlib.contextmanager
def primary() -> Iterator[None]:
    """Reads inside the block go to the primary (nests; this thread only)."""
    was = this_thread_is_pinned()
    pin_this_thread()
    try:
        yield
    finally:
        if not was:
            unpin_this_thread()


@contextlib.contextmanager
def replica_reads(allowed: bool = True) -> Iterator[None]:
    """Reads inside the block may go to the replica (a web request's; this thread only)."""
    was = getattr(_local, "replica_reads", False)
    _local.replica_reads = allowed
    try:
        yield
    finally:
        _local.replica_reads = was


def _in_transaction() -> bool:
    """Inside an atomic block on the primary that the code opened (a test's own blocks do
    not count)."""
    connection = connections[DEFAULT_DB_ALIAS]
    return any(not block._from_testcase for block in connection.atomic_blocks)


def mark_down(error: BaseException | None = None) -> None:
    """The replica failed: reads go to the primary for BENXI_REPLICA_RETRY_SECONDS."""
    global _down_until
    retry = getattr(settings, "BENXI_REPLICA_RETRY_SECONDS", 5)
    with _state:
        already = time.monotonic() < _down_until
        _down_until = time.monotonic() + retry
    if not already:
        logger.warning(
            "The read replica does not answer (%s): reads go to the primary; "
            "trying it again in %s s",
            error or "marked down",
            retry,
        )


def mark_up() -> None:
    global _down_until
    with _state:
        _down_until = 0.0


def is_down() -> bool:
    return time.monotonic() < _down_until


def reachable() -> bool:
    """Whether the replica can take a query now: its kept connection passes this request's
    health check, or a new one opens; a failure marks it down (and closes the connection)."""
    if is_down():
        return False
    connection = connections[REPLICA]
    if connection.connection is not None and connection.health_check_done:
        return True
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except DatabaseError as error:
        with contextlib.suppress(DatabaseError):
            connection.close()
        mark_down(error)
        return False
    return True


class ReplicaRouter(PinningReplicaRouter):
    """multidb's pinning router, plus transactions, the worker and the fallback."""

    def db_for_read(self, model, **hints):
        if (
            _process_pinned
            or not getattr(_local, "replica_reads", False)
            or this_thread_is_pinned()
            or not configured()
            or _in_transaction()
            or not reachable()
        ):
            return DEFAULT_DB_ALIAS
        return REPLICA


class PinningMiddleware(PinningRouterMiddleware):
    """multidb's middleware where a replica is configured: a request that may write, or
    that carries the pin cookie of a recent write, reads from the primary; any other may
    read from the replica. Without a replica it does nothing (no cookie either)."""

    def __call__(self, request):
        if not configured():
            return self.get_response(request)
        self.process_request(request)  # pins this thread to the primary, or unpins it
        with replica_reads(not this_thread_is_pinned()):
            response = self.get_response(request)
        return self.process_response(request, response)


def _lag_seconds() -> float | None:
    """The replica's replay lag in seconds (0 when it has replayed everything it received),
    None when it is not a standby."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(
            "SELECT pg_is_in_recovery(), CASE"
            " WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
            " ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END"
        )
        recovering, lag = cursor.fetchone()
    return float(lag or 0) if recovering else None


def status() -> dict[str, object]:
    """How both databases are: {"primary": "ok" | "down", "replica": "ok" | "lagging" |
    "down" | "not configured" | "not a standby", "replica_lag_seconds": float | None}."""
    result: dict[str, object] = {}
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
        result["primary"] = "ok"
    except DatabaseError:
        result["primary"] = "down"
    lag = None
    if not configured():
        result["replica"] = "not configured"
    else:
        try:
            connections[REPLICA].close_if_health_check_failed()
            lag = _lag_seconds()
            mark_up()
        except DatabaseError as error:
            with contextlib.suppress(DatabaseError):
                connections[REPLICA].close()
            mark_down(error)
            result["replica"] = "down"
        else:
            if lag is None:
                result["replica"] = "not a standby"
            else:
                lagging = lag > settings.BENXI_REPLICA_PIN_SECONDS
                result["replica"] = "lagging" if lagging else "ok"
    result["replica_lag_seconds"] = None if lag is None else round(lag, 1)
    return result
