"""Figures computed from the records, cached until what they are computed from changes.

The summary, dashboards, comparisons, trends, annual forms and charts read hundreds of
thousands of rows at province scale; they are computed once and kept in Django's cache (local
memory, or Redis when `REDIS_URL` is set) under the tokens of the **scopes** they depend on.
Each data app names its scopes in `registry.data_scopes` (a `DataScopes`, from its
`AppConfig.ready()`): the scope every table of the app bumps on any write, and, table by
table, where a table bumps other scopes or bumps them only on some writes (a ledger whose
provisional rows change nothing, say). History tables change no scope. A table that its app
does not name bumps the app's scope, so that a new table can only make figures colder, never
stale. `scopes()` lists them all.

**Only a change is a change.** A statement that changes no row bumps nothing: an UPDATE or
DELETE whose WHERE matches nothing, an INSERT that meets its conflict, an UPDATE that sets
what was already there, a record saved unchanged (its `updated` stamps and save counter,
`STAMPS`, are not what a figure reads). A log-in writes only tables no figure reads.

A token is a random 63-bit number, replaced (never incremented) on each change, so a token
is never seen twice, even after a rollback or in another database sharing the cache.

**When tokens move.** On PostgreSQL, a statement-level trigger on each watched table notes
in the writer's own transaction that it touched a scope (a transaction-local setting, and one
row in `benxi_cp_pendingscope` per transaction and scope); a deferred constraint trigger on
that row replaces the scope's token at commit. No transaction holds a shared row while it
works: two imports of different enterprises do not wait for each other. On SQLite (one
writer at a time) row triggers replace the token in the writer's transaction.

**Reads.** A figure is served from the cache when its entry carries the current tokens of its
scopes (one query reads them, and whether a correction is in progress, below). Inside a
transaction that has written one of its scopes the figure is computed from what that
transaction sees and is not stored (it could be rolled back; on PostgreSQL the committed
tokens do not show those writes yet). When an entry is
missing or stale, one process computes it, holding a lock in the cache, while the others
serve the previous entry marked with the time it was computed (`stale_since()`, shown on the
page) or, when there is none, wait for it a bounded time.

**Refreshing by the task queue.** With `BENXI_FIGURES_REFRESH = "background"` (the default
setting) no reader waits for a figure that has a previous value: the request that takes the
lock serves the previous value too and queues a `refresh_figure` task (django-tasks, the
database backend: `manage.py db_worker` runs it), which hands the lock on to the worker. A
task names its figure by namespace (`figure()` registers each one) and arguments (records
by primary key, read again by the worker) and carries the request's language; the worker
computes the figure from the primary and releases the lock. No web process starts a thread.
The lock is the de-duplication: while a refresh is queued or running, readers get the
previous value and queue nothing. It lasts `BENXI_FIGURES_LEASE_SECONDS`, renewed by the
computation's own queries: a worker killed while it computes (or a refresh nobody runs)
holds it no longer than that, and the next reader then queues the figure again. A refresh
queued twice (its lease ran out while the worker was busy) finds the figure current and
computes nothing. When the task cannot be queued the reader keeps the previous value and
the lock is let go (the next reader tries again). The worker can store only where readers
look: with a cache of the process's own (no `REDIS_URL`, or Redis down) the reader that
takes the lock computes the figure, as in the "request" mode; so do the computations that
are not figures (`cached()` called directly). Inside a computation, nested figures are never
served stale and never queued: what is stored under the current tokens is computed from
current figures. Downloads (`stale_ok=False`) and figures with nothing to show compute in
the request. The tests' immediate backend runs the task in the reader's request.

A computation outside any transaction runs, on PostgreSQL, in one REPEATABLE READ
transaction that also reads the tokens it is stored under: the figure is of one committed
state, never of the commits made while it ran.

**With a read replica** (DATABASE_REPLICA_URL, benxi_cp/replica.py) the tokens are read
from the primary (on its own connection, never routed) and figures are computed from the
primary too (`replica.primary()`): a figure computed from a replica that lags behind would
be stored under the primary's current tokens as if it were current, and served as such until
the next change. A token read from the replica instead would make readers pinned to the
primary and readers on the replica replace each other's entries. Pages' own reads (lists,
details) go to the replica; the figures are as current as on a single database.

**A workflow cycle half done is never a figure.** Correcting a verified report takes several
steps, each committed on its own: an administrator unlocks it (it counts as unverified from
then), the EPB changes a value, another member verifies it again. For `BENXI_FIGURES_HOLD`
seconds after an unlock, while the report is not verified again, figures that read verified
discharge (the scopes a `DataScopes` holds while its `in_progress` query finds a
correction) are not recomputed: readers get the figure from before the
correction, with its time; one that must be computed (nothing to show, a file) is computed
from the records as they are and not stored. A correction left open longer is the state of
the records, and figures show it.

**"Being updated."** Pages show the time of a stale figure they were served (`stale_since()`),
and say it is being updated (`updating()`) only while a recomputation of it is queued or under
way: the lock of its entry is held, by the worker's task or by another reader.

**At most one recomputation in a while.** A stale figure computed less than
`BENXI_FIGURES_REFRESH_AFTER` seconds ago is served as it is, with its time: while the EPB
enters reports all day, each figure is recomputed at most once in that time, not at every
write (each recomputation costs seconds at province scale).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import decimal
import functools
import hashlib
import importlib
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from django.apps import apps
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connections, transaction
from django.utils import timezone, translation
from django.utils.translation import get_language
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend

from benxi_cp import jobs, replica
from benxi_cp.cache import ResilientRedisCache, redis_down
from benxi_cp.registry import registry

T = TypeVar("T")

logger = logging.getLogger(__name__)

TABLE = "benxi_cp_dataversion"
PENDING = "benxi_cp_pendingscope"  # PostgreSQL only: which scopes an open transaction touched
TRIGGER = "benxi_touch"  # every trigger's and function's name starts with it
LEGACY = ("benxi_data_changed",)  # the one-version triggers of before, dropped on install
TIMEOUT = 7 * 24 * 3600  # an entry whose tokens are still current after a week is still right
WAIT = 30.0  # seconds a reader waits for another's computation when there is nothing to show
POLL = 0.1  # seconds between its looks
REFRESH_MODES = ("background", "request")  # settings.BENXI_FIGURES_REFRESH

# SQLite's random() is a signed 64-bit integer: kept to 63 bits, never 0 ("never changed").
_SQLITE_TOKEN = "((random() & 9223372036854775806) + 1)"
_PG_TOKEN = "(floor(random() * 9223372036854775806)::bigint + 1)"


@dataclass(frozen=True)
class Watch:
    """A scope that changes with some writes to a table. Each condition is SQL over the
    changed rows, `o` the old row and `n` the new one; None: that event never bumps."""

    scope: str
    insert: str | None = "TRUE"
    update: str | None = "TRUE"
    delete: str | None = "TRUE"


def differs(*columns: str) -> str:
    """SQL: one of `columns` changed (for a Watch's `update`)."""
    return "(" + " OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in columns) + ")"


@dataclass(frozen=True)
class DataScopes:
    """What one data app's writes change: `scope`, bumped by any write to any of its tables
    unless `tables` says otherwise (table → its Watches; `()`: none), and the further
    scopes its tables' Watches name (`extra`). Registered in `registry.data_scopes`."""

    app_label: str
    scope: str
    tables: Mapping[str, tuple[Watch, ...]] = field(default_factory=dict)
    extra: tuple[str, ...] = ()
    # A workflow cycle in progress: while `in_progress` (a query with one parameter, the
    # start of the hold) finds a row, the `held` scopes' figures are not recomputed.
    held: tuple[str, ...] = ()
    in_progress: str = ""


def scopes() -> tuple[str, ...]:
    """Every scope the data apps declare, in the order they were registered."""
    found: list[str] = []
    for data in registry.data_scopes:
        for scope in (data.scope, *data.extra):
            if scope not in found:
                found.append(scope)
    return tuple(found)


def scopes_of_table() -> dict[str, tuple[Watch, ...]]:
    """The tables whose app says which scopes their writes bump."""
    return {table: w for data in registry.data_scopes for table, w in data.tables.items()}


def __getattr__(name: str):
    # `SCOPES`, `SCOPES_OF_TABLE`: read from the registry when asked, as constants were.
    if name == "SCOPES":
        return scopes()
    if name == "SCOPES_OF_TABLE":
        return scopes_of_table()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Not what a figure reads: the `updated` stamps and the edit forms' save counter
# (benxi_cp/versions.py), which a record saved unchanged moves on.
STAMPS = frozenset({"updated", "updated_by_id", "version"})


# Reading --------------------------------------------------------------------------------


def _check_scopes(names: Iterable[str]) -> tuple[str, ...]:
    names, known = tuple(names), scopes()
    unknown = [s for s in names if s not in known]
    if not names or unknown:
        raise ValueError(f"depends must name scopes among {known}; got {names}")
    return names


# A correction in progress: a verified report unlocked less than BENXI_FIGURES_HOLD seconds
# ago and not verified again. While one is, the verified figures are those of a workflow
# cycle half done (the report counts as unverified until its verification), and no figure
# that reads them is stored.
def _in_progress(scopes: Sequence[str]) -> list[str]:
    """The queries of the workflow cycles that hold some of `scopes` (registry.data_scopes)."""
    return [
        data.in_progress
        for data in registry.data_scopes
        if data.in_progress and set(data.held) & set(scopes)
    ]


def hold_seconds() -> int:
    """settings.BENXI_FIGURES_HOLD: how long a correction counts as a cycle in progress
    (0: never; the figures follow each of its steps)."""
    return int(getattr(settings, "BENXI_FIGURES_HOLD", 0))


@dataclass(frozen=True)
class Tokens:
    """What one query tells of some scopes: their tokens, whether this transaction has
    written one of them, and whether a correction is in progress (for the held scopes)."""

    tokens: tuple
    written: bool
    held: bool


def _read(scopes: Sequence[str], using: str = "default") -> Tokens:
    """The tokens of `scopes`, whether this transaction has written one of them and whether a
    correction is in progress, in one query.

    On PostgreSQL a scope this transaction touched reads as the transaction's own token (which
    changes with each of its writes), so that what it computes is never taken for committed."""
    connection = connections[using]
    cycles = _in_progress(scopes) if hold_seconds() else []
    held_sql, held_params = "", []
    if cycles:
        since = timezone.now() - datetime.timedelta(seconds=hold_seconds())
        held_params = [connection.ops.adapt_datetimefield_value(since)] * len(cycles)
        held_sql = " OR ".join(f"EXISTS ({query})" for query in cycles)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if cycles:
                held_sql = f" UNION ALL SELECT NULL, NULL, NULL WHERE {held_sql}"
            cursor.execute(
                f"SELECT s.scope, v.token, current_setting('benxi.pending_' || s.scope, true) "  # noqa: S608
                f"FROM unnest(%s::text[]) AS s(scope) LEFT JOIN {TABLE} v ON v.scope = s.scope"
                f"{held_sql}",
                [list(scopes), *held_params],
            )
            found = list(cursor)
        else:
            if cycles:
                held_sql = f" UNION ALL SELECT NULL, NULL WHERE {held_sql}"
            marks = ", ".join(["%s"] * len(scopes))
            cursor.execute(
                f"SELECT scope, token FROM {TABLE} WHERE scope IN ({marks}){held_sql}",  # noqa: S608
                [*scopes, *held_params],
            )
            found = [(scope, token, None) for scope, token in cursor]
    rows = {scope: (token, pending or None) for scope, token, pending in found if scope}
    tokens, written = [], False
    for scope in scopes:
        token, pending = rows.get(scope, (None, None))
        if pending:
            written = True
            tokens.append(f"pending:{pending}")
        else:
            tokens.append(token or 0)
    held = any(scope is None for scope, _token, _pending in found)
    return Tokens(tuple(tokens), written, held)


def current(scope: str, using: str = "default") -> object:
    """The token of `scope` now, as this connection sees it: 0 before its first change."""
    return _read(_check_scopes([scope]), using).tokens[0]


def _in_own_transaction(using: str = "default") -> bool:
    """Inside an atomic block that the code opened (a test's own blocks do not count: its
    transaction is the world the test runs in)."""
    connection = connections[using]
    return any(not block._from_testcase for block in connection.atomic_blocks)


# Stale figures served while another process computes ------------------------------------

_stale_since: contextvars.ContextVar[datetime.datetime | None] = contextvars.ContextVar(
    "benxi_stale_since", default=None
)


_updating: contextvars.ContextVar[bool] = contextvars.ContextVar("benxi_updating", default=False)


def stale_since() -> datetime.datetime | None:
    """When the oldest figure served stale in this request was computed; None when every
    figure was current. Templates show it ("Figures as of 10:32")."""
    return _stale_since.get()


def updating() -> bool:
    """Whether one of the stale figures served in this request is being computed anew at
    this moment (queued for the worker or under way: its lock is held); templates
    add "being updated" only then. A figure served stale because it was computed a moment
    ago, or because a correction is in progress, is not being updated."""
    return _updating.get()


def forget_stale(**_kwargs) -> None:
    """At the start of each request (signal `request_started`)."""
    _stale_since.set(None)
    _updating.set(False)


def _served_stale(computed: datetime.datetime, updating: bool = False) -> None:
    before = _stale_since.get()
    if before is None or computed < before:
        _stale_since.set(computed)
    if updating:
        _updating.set(True)


# Caching --------------------------------------------------------------------------------


def cache_key(namespace: str, *parts: object) -> str:
    """The cache key of `namespace` and `parts` in the current language."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"benxi:{namespace}:{get_language()}:{digest}"


def lease_seconds() -> int:
    """settings.BENXI_FIGURES_LEASE_SECONDS: how long the lock of a computation lasts unless
    the computation renews it. A process killed while it computes, or a queued refresh that
    no worker runs, holds a figure's lock no longer than this."""
    return int(getattr(settings, "BENXI_FIGURES_LEASE_SECONDS", 60))


def _take(lock: str, holder: str) -> bool:
    """Take the lock of an entry's computation for a lease; False while another holds it."""
    return cache.add(lock, holder, lease_seconds())


def _release(lock: tuple[str, str]) -> None:
    """Let go of `lock` (its name, its holder) if it is still this holder's."""
    if cache.get(lock[0]) == lock[1]:
        cache.delete(lock[0])


@contextlib.contextmanager
def _holding(lock: tuple[str, str] | None) -> Iterator[None]:
    """Keep `lock` while a computation runs: its own queries renew the lease, at most every
    third of it. No thread: a figure's computation reads the database all along; a step
    without a query longer than the lease lets another process start the same computation
    (twice the work, never a wrong figure)."""
    if lock is None:
        yield
        return
    lease = lease_seconds()
    renewed = [time.monotonic()]

    def renew(execute, sql, params, many, context):
        if time.monotonic() - renewed[0] >= lease / 3:
            renewed[0] = time.monotonic()
            if cache.get(lock[0]) == lock[1]:
                cache.touch(lock[0], lease)
        return execute(sql, params, many, context)

    with connections["default"].execute_wrapper(renew):
        yield


def _sleep(seconds: float) -> None:
    time.sleep(seconds)  # a hook: tests see when a reader waits


@dataclass(frozen=True)
class Refresh:
    """What the task queue's worker needs to compute a figure again: the figure by its
    namespace and the module that declares it, and its arguments."""

    namespace: str
    module: str
    args: tuple
    kwargs: dict


def cached(
    namespace: str,
    *parts: object,
    compute: Callable[[], T],
    depends: Sequence[str],
    stale_ok: bool = True,
    refresh: Refresh | None = None,
) -> T:
    """`compute()` from the cache while none of the scopes it `depends` on has changed since
    it was stored, else anew.

    `parts` (repr'd) name what is computed; the language is part of the key because computed
    values may hold translated text. The entry is (tokens, time computed, value) and is
    replaced when the tokens are no longer current: one entry per figure, not one per
    version (a province's forms run to megabytes). One query (the tokens) when it is cached.

    Missing or stale, one caller computes it under a lock in the cache; the others get the
    stale value, noted in `stale_since()` (unless `stale_ok` is false: files to download), or,
    with nothing to show, wait up to WAIT seconds for it and then compute it themselves. In
    the "background" refresh mode the caller that takes the lock of a stale entry serves the
    stale value too and queues its computation for the worker (`refresh`, which `figure()`
    gives: a computation without it is computed by that caller). Called inside another
    figure's computation, `stale_ok` is false: an outer figure is never built from stale
    ones.

    Long: the protocol of one read, its cases in the order they are decided."""
    scopes = _check_scopes(depends)
    if _computing.get():
        stale_ok = False
    read = _read(scopes)
    tokens = read.tokens
    own = _in_own_transaction()
    if own and (read.written or connections["default"].vendor != "postgresql"):
        # What this transaction computes may include its own uncommitted writes (on SQLite we
        # cannot tell): serve only a current entry, never store, never serve a stale one.
        entry = cache.get(cache_key(namespace, *parts))
        if entry is not None and entry[0] == tokens:
            return entry[2]
        return compute()
    key = cache_key(namespace, *parts)
    entry = cache.get(key)
    if entry is not None and entry[0] == tokens:
        return entry[2]
    lock = f"{key}:lock"
    if read.held:
        # A correction in progress: the figure from before it, as it is; with none, or for a
        # file, computed for this reader and not stored (the next step changes it again).
        if entry is not None and stale_ok:
            _served_stale(entry[1], updating=cache.get(lock) is not None)
            return entry[2]
        return _compute(compute)
    if entry is not None and stale_ok and _recent(entry[1]):
        # Computed a moment ago: under a stream of writes, figures follow at most every
        # BENXI_FIGURES_REFRESH_AFTER seconds, not at every write (each costs seconds).
        _served_stale(entry[1], updating=cache.get(lock) is not None)
        return entry[2]
    holder = uuid.uuid4().hex
    deadline = time.monotonic() + WAIT
    while not _take(lock, holder):
        if entry is not None and stale_ok:
            _served_stale(entry[1], updating=True)  # the holder of the lock computes it
            return entry[2]
        if time.monotonic() >= deadline:
            return _compute_and_store(key, scopes, compute, lock=None, read=read)
        _sleep(POLL)
        entry = cache.get(key)
        if entry is not None and entry[0] == tokens:
            return entry[2]
    entry = cache.get(key)  # stored by another between the first look and the lock
    if entry is not None and entry[0] == tokens:
        _release((lock, holder))
        return entry[2]
    if (
        entry is not None
        and stale_ok
        and refresh is not None
        and refresh_mode() == "background"
        and _worker_reaches_readers()
    ):
        queued = _queue(key, (lock, holder), refresh)
        done = cache.get(key)  # the immediate backend (tests) has computed it already
        if done is not None and done[0] == tokens:
            return done[2]
        _served_stale(entry[1], updating=queued and cache.get(lock) is not None)
        return entry[2]
    return _compute_and_store(key, scopes, compute, lock=(lock, holder), read=read)


_computing: contextvars.ContextVar[bool] = contextvars.ContextVar("benxi_computing", default=False)


def _compute(compute: Callable[[], T]) -> T:
    computing = _computing.set(True)
    try:
        with replica.primary():
            return compute()
    finally:
        _computing.reset(computing)


@contextlib.contextmanager
def _snapshot(using: str = "default") -> Iterator[bool]:
    """On PostgreSQL, outside any transaction: one REPEATABLE READ transaction, so that a
    figure and the tokens it is stored under come from one committed state of the database
    (each query of a computation would otherwise see the commits made while it runs: half
    of a correction, say). True when one was opened."""
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield False
        return
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield True


def _compute_and_store(
    key: str,
    scopes: Sequence[str],
    compute: Callable[[], T],
    lock: tuple[str, str] | None,
    read: Tokens | None = None,
    required: bool = True,
) -> T | None:
    """Compute the entry `key` and store it under the tokens of `scopes` as of the data it was
    computed from, unless a correction was in progress then: that value is returned but not
    stored (and not computed at all when not `required`: a refresh by the worker). The
    computation keeps `lock` while it runs and lets it go at the end."""
    started = timezone.now()
    computing = _computing.set(True)
    try:
        with replica.primary(), _holding(lock), _snapshot() as snapshot:
            if snapshot or read is None:
                read = _read(scopes)
            if read.held and not required:
                return None
            value = compute()
        if not read.held:
            cache.set(key, (read.tokens, started, value), TIMEOUT)
        return value
    finally:
        _computing.reset(computing)
        if lock is not None:
            _release(lock)


# Refreshing by the task queue ------------------------------------------------------------


def _recent(computed: datetime.datetime) -> bool:
    """Whether a figure computed at `computed` is younger than
    settings.BENXI_FIGURES_REFRESH_AFTER seconds (0: every change is followed at once)."""
    after = getattr(settings, "BENXI_FIGURES_REFRESH_AFTER", 0)
    return after > 0 and (timezone.now() - computed).total_seconds() < after


def refresh_mode() -> str:
    """settings.BENXI_FIGURES_REFRESH: "background" (a stale figure is served while the task
    queue's worker computes it) or "request" (the request that takes the lock computes it)."""
    mode = getattr(settings, "BENXI_FIGURES_REFRESH", "background")
    if mode not in REFRESH_MODES:
        raise ValueError(f"BENXI_FIGURES_REFRESH must be one of {REFRESH_MODES}; got {mode!r}")
    return mode


def _worker_reaches_readers() -> bool:
    """Whether what the worker stores reaches this process's readers: the cache is shared
    (Redis, answering), or the tasks run in this process (the immediate backend). The
    memory of one process (no REDIS_URL, or Redis down) is out of the worker's reach: there
    the reader that takes the lock computes the figure, as in the "request" mode. So it is
    when the queue is behind (no worker has taken a task for BENXI_WORKER_STALL_SECONDS:
    stopped, or stuck): the refreshes queued would wait for it, and the figures stay old."""
    if isinstance(refresh_figure.get_backend(), ImmediateBackend):
        return True
    shared = caches["default"]
    if isinstance(shared, LocMemCache):
        return False
    if isinstance(shared, ResilientRedisCache) and redis_down():
        return False
    return not jobs.worker_behind()


def _queue(key: str, lock: tuple[str, str], refresh: Refresh) -> bool:
    """Queue the computation of the entry `key`, whose `lock` the caller took and hands to
    the task; False, with the lock let go, when it cannot be queued (the queue's table out of
    reach, say): the reader keeps the previous value and a later reader tries again."""
    connection = connections["default"]
    try:
        # In the reader's own transaction, a savepoint: a failure leaves it usable.
        with transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext():
            refresh_figure.enqueue(
                refresh.namespace,
                refresh.module,
                _encode(refresh.args),
                _encode(refresh.kwargs),
                get_language() or "",
                key,
                lock[1],
            )
    except Exception:
        logger.warning(
            "The refresh of the cached figure %s could not be queued", key, exc_info=True
        )
        _release(lock)
        return False
    return True


def _claim(lock: tuple[str, str]) -> bool:
    """The task's hold on the lock its reader took: renewed for a lease, or taken again if
    it ran out while the task waited in the queue; False while another holds it."""
    name, holder = lock
    if cache.get(name) == holder and cache.touch(name, lease_seconds()):
        return True
    return cache.add(name, holder, lease_seconds())


@task(priority=10)  # before the jobs waiting: a figure takes seconds, a job minutes
def refresh_figure(
    namespace: str, module: str, args: list, kwargs: dict, language: str, key: str, holder: str
) -> None:
    """Compute the figure `namespace` of these arguments (`_encode`d) in `language`, from
    the primary, and store it under `key`, with the lock its reader took as `holder`.

    Nothing is computed when another refresh holds the lock, when the entry is current
    already (the same refresh queued twice: its lease ran out while the worker was busy) or
    while a correction is in progress. A worker killed while it computes leaves the lock
    to expire within its lease; the next reader then queues the refresh again."""
    lock: tuple[str, str] | None = (f"{key}:lock", holder)
    try:
        with translation.override(language or None), replica.primary():
            importlib.import_module(module)
            figure = _FIGURES[namespace]
            args, kwargs = _decode(args), _decode(kwargs)
            if figure.key(args, kwargs) != key:
                raise ValueError(f"the arguments of {namespace} do not make the key {key}")
            if not _claim(lock):
                lock = None  # another refresh holds it, and computes the figure
                return
            scopes = figure.scopes(args, kwargs)
            entry = cache.get(key)
            if entry is not None and entry[0] == _read(scopes).tokens:
                return
            _compute_and_store(
                key, scopes, lambda: figure.compute(*args, **kwargs), lock=lock, required=False
            )
    except Exception:
        logger.exception("Refreshing the cached figure %s failed", key)
        raise
    finally:
        if lock is not None:
            _release(lock)


def _encode(value: object) -> object:
    """A figure's argument as JSON for its task: records by model and primary key; tuples,
    dates and decimals tagged, so that `_decode` gives back what makes the same key."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return {type(value).__name__: [_encode(item) for item in value]}
    if isinstance(value, dict):
        return {"dict": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, datetime.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    if isinstance(value, decimal.Decimal):
        return {"decimal": str(value)}
    meta = getattr(value, "_meta", None)
    if meta is not None and getattr(value, "pk", None) is not None:
        return {"record": meta.label, "pk": _encode(value.pk)}
    raise TypeError(f"a figure's argument cannot be given to its task: {value!r}")


def _decode(value: object) -> object:
    """The argument `_encode` was given (a record read again, from the primary)."""
    if not isinstance(value, dict):
        return value
    if "record" in value:
        model = apps.get_model(value["record"])
        return model._base_manager.get(pk=_decode(value["pk"]))
    ((tag, content),) = value.items()
    decoders = {
        "list": lambda items: [_decode(item) for item in items],
        "tuple": lambda items: tuple(_decode(item) for item in items),
        "dict": lambda pairs: {_decode(k): _decode(v) for k, v in pairs},
        "datetime": datetime.datetime.fromisoformat,
        "date": datetime.date.fromisoformat,
        "decimal": decimal.Decimal,
    }
    return decoders[tag](content)


def _part(value: object) -> object:
    """A stable stand-in for a key part: a record by its model and primary key."""
    meta = getattr(value, "_meta", None)
    if meta is not None and hasattr(value, "pk"):
        return (meta.label, value.pk)
    return value


_FIGURES: dict[str, Figure] = {}  # by namespace: what the worker computes again


class Figure:
    """A function whose result is `cached` under its arguments (records by pk) and the
    tokens of the scopes it `depends` on (a tuple, or a function of its arguments that
    gives them); made by `figure()`. The undecorated function is `.compute`."""

    def __init__(
        self,
        namespace: str,
        depends: Sequence[str] | Callable[..., Sequence[str]],
        function: Callable,
    ):
        functools.update_wrapper(self, function)
        self.namespace, self.depends, self.compute = namespace, depends, function

    def __call__(self, *args, **kwargs):
        return self._cached(args, kwargs, stale_ok=True)

    def current(self, *args, **kwargs):
        """The figure as of the records now, never served stale (a copy of record)."""
        return self._cached(args, kwargs, stale_ok=False)

    def scopes(self, args: Sequence, kwargs: Mapping) -> tuple[str, ...]:
        depends = self.depends(*args, **kwargs) if callable(self.depends) else self.depends
        return _check_scopes(depends)

    def parts(self, args: Sequence, kwargs: Mapping) -> tuple:
        return (
            tuple(_part(a) for a in args),
            tuple(sorted((k, _part(v)) for k, v in kwargs.items())),
        )

    def key(self, args: Sequence, kwargs: Mapping) -> str:
        """The cache key of the figure of these arguments, in the current language."""
        return cache_key(self.namespace, *self.parts(args, kwargs))

    def _cached(self, args: tuple, kwargs: dict, stale_ok: bool):
        return cached(
            self.namespace,
            *self.parts(args, kwargs),
            compute=lambda: self.compute(*args, **kwargs),
            depends=self.scopes(args, kwargs),
            stale_ok=stale_ok,
            refresh=Refresh(self.namespace, self.compute.__module__, args, kwargs),
        )


def figure(
    namespace: str, *, depends: Sequence[str] | Callable[..., Sequence[str]]
) -> Callable[[Callable[..., T]], Figure]:
    """Decorator: the function's result is `cached` under its arguments (records by pk) and
    the tokens of the scopes it `depends` on (or that `depends`, given the arguments,
    names); refreshed by the task queue's worker (`refresh_figure`), which finds it by its
    `namespace`, one per figure.

    Fixed scopes are checked here once every app has declared its own (a module imported
    while the apps are still registering is checked at each call, by `cached`)."""
    if not callable(depends):
        depends = _check_scopes(depends) if apps.ready else tuple(depends)
        if not depends:
            raise ValueError("depends must name at least one scope")

    def decorate(function: Callable[..., T]) -> Figure:
        made = Figure(namespace, depends, function)
        known = _FIGURES.get(namespace)
        if known is not None and (known.__module__, known.__qualname__) != (
            made.__module__,
            made.__qualname__,
        ):
            raise ValueError(f"two figures are named {namespace!r}")
        _FIGURES[namespace] = made
        return made

    return decorate


# Triggers -------------------------------------------------------------------------------


def _is_history(model) -> bool:
    return any(field.name == "history_id" for field in model._meta.fields)


def watched_tables() -> dict[str, tuple[Watch, ...]]:
    """Every table of the data apps with the scopes its writes bump (history tables: none)."""
    tables: dict[str, tuple[Watch, ...]] = {}
    for data in registry.data_scopes:
        for model in apps.get_app_config(data.app_label).get_models(include_auto_created=True):
            meta = model._meta
            if not meta.managed or meta.proxy or meta.db_table in tables:
                continue
            if _is_history(model):
                tables[meta.db_table] = ()
            else:
                tables[meta.db_table] = data.tables.get(meta.db_table, (Watch(data.scope),))
    return tables


def _data_columns() -> dict[str, list[str]]:
    """{table: its columns but the stamps} of the data apps' tables."""
    columns: dict[str, list[str]] = {}
    for data in registry.data_scopes:
        for model in apps.get_app_config(data.app_label).get_models(include_auto_created=True):
            meta = model._meta
            columns.setdefault(
                meta.db_table,
                [f.column for f in meta.concrete_fields if f.column not in STAMPS],
            )
    return columns


def _changes_only(tables: dict[str, tuple[Watch, ...]]) -> dict[str, tuple[Watch, ...]]:
    """The watches with an update that bumps on any row turned into one that bumps when a
    row's data changes: a statement that sets what was already there, or only moves the
    stamps, changes no figure."""
    columns = _data_columns()
    resolved = {}
    for table, watches in tables.items():
        changed = differs(*columns[table]) if columns.get(table) else None
        resolved[table] = tuple(
            Watch(w.scope, w.insert, changed, w.delete) if w.update == "TRUE" else w
            for w in watches
        )
    return resolved


def _name(table: str, scope: str, event: str) -> str:
    return f"{TRIGGER}_{table}_{scope}_{event}"


def _drop_postgresql(cursor) -> list[str]:
    patterns = [f"{prefix}%" for prefix in (TRIGGER, *LEGACY)]
    cursor.execute(
        "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE t.tgname LIKE ANY(%s) AND NOT t.tgisinternal",
        [patterns],
    )
    statements = [f'DROP TRIGGER "{name}" ON "{table}"' for name, table in cursor.fetchall()]
    cursor.execute(
        "SELECT p.oid::regprocedure::text FROM pg_proc p "
        "WHERE p.proname LIKE ANY(%s) AND p.pronamespace = current_schema()::regnamespace",
        [patterns],
    )
    statements += [f"DROP FUNCTION {signature}" for (signature,) in cursor.fetchall()]
    return statements


def _postgresql(tables: dict[str, tuple[Watch, ...]]) -> list[str]:
    statements = [
        f"CREATE TABLE IF NOT EXISTS {PENDING} (txid bigint NOT NULL, scope text NOT NULL, "
        "PRIMARY KEY (txid, scope))",
        # The first write of a scope in a transaction queues one bump for its commit; every
        # write gives the transaction a new token of its own for what it computes meanwhile.
        f"""CREATE FUNCTION {TRIGGER}_scope(touched text) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
            IF coalesce(current_setting('benxi.pending_' || touched, true), '') = '' THEN
                INSERT INTO {PENDING} (txid, scope) VALUES (txid_current(), touched)
                ON CONFLICT DO NOTHING;
            END IF;
            PERFORM set_config('benxi.pending_' || touched, {_PG_TOKEN}::text, true);
        END $$""",
        f"""CREATE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM {TRIGGER}_scope(TG_ARGV[0]);
            RETURN NULL;
        END $$""",
        f"""CREATE FUNCTION {TRIGGER}_commit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO {TABLE} (scope, token) VALUES (NEW.scope, {_PG_TOKEN})
            ON CONFLICT (scope) DO UPDATE SET token = EXCLUDED.token;
            DELETE FROM {PENDING} WHERE txid = NEW.txid AND scope = NEW.scope;
            RETURN NULL;
        END $$""",
        f"CREATE CONSTRAINT TRIGGER {TRIGGER}_commit AFTER INSERT ON {PENDING} "
        f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {TRIGGER}_commit()",
    ]
    # Statement triggers fire for statements that change no row (an UPDATE or DELETE whose
    # WHERE matches nothing, an INSERT ... ON CONFLICT DO NOTHING): each one looks at the
    # rows the statement changed (its transition tables), and bumps only if there is one.
    for table, watches in tables.items():
        for watch in watches:
            statements.append(
                f'CREATE TRIGGER "{_name(table, watch.scope, "truncate")}" AFTER TRUNCATE '
                f"ON \"{table}\" FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}('{watch.scope}')"
            )
            for event, condition, rows, referencing in (
                ("INSERT", watch.insert, "n", "NEW TABLE AS n"),
                (
                    "UPDATE",
                    watch.update,
                    "o JOIN n ON o.id = n.id",
                    "OLD TABLE AS o NEW TABLE AS n",
                ),
                ("DELETE", watch.delete, "o", "OLD TABLE AS o"),
            ):
                if condition is None:
                    continue
                name = _name(table, watch.scope, event.lower())
                statements += [
                    f"""CREATE FUNCTION "{name}"() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        IF EXISTS (SELECT 1 FROM {rows} WHERE {condition}) THEN
                            PERFORM {TRIGGER}_scope('{watch.scope}');
                        END IF;
                        RETURN NULL;
                    END $$""",
                    f'CREATE TRIGGER "{name}" AFTER {event} ON "{table}" REFERENCING {referencing} '
                    f'FOR EACH STATEMENT EXECUTE FUNCTION "{name}"()',
                ]
    return statements


def _drop_sqlite(cursor) -> list[str]:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND (name LIKE %s OR name LIKE %s)",
        [f"{TRIGGER}%", f"{LEGACY[0]}%"],
    )
    return [f'DROP TRIGGER "{name}"' for (name,) in cursor.fetchall()]


def _sqlite_condition(condition: str) -> str:
    condition = condition.replace(" IS DISTINCT FROM ", " IS NOT ")
    condition = re.sub(r"\bo\.", "OLD.", condition)
    return re.sub(r"\bn\.", "NEW.", condition)


def _sqlite(tables: dict[str, tuple[Watch, ...]]) -> list[str]:
    statements = []
    for table, watches in tables.items():
        for watch in watches:
            for event, condition in (
                ("INSERT", watch.insert),
                ("UPDATE", watch.update),
                ("DELETE", watch.delete),
            ):
                if condition is None:
                    continue
                when = "" if condition == "TRUE" else f" WHEN {_sqlite_condition(condition)}"
                statements.append(
                    f'CREATE TRIGGER "{_name(table, watch.scope, event.lower())}" AFTER {event} '
                    f'ON "{table}" FOR EACH ROW{when} BEGIN '
                    f"INSERT OR REPLACE INTO {TABLE} (scope, token) "
                    f"VALUES ('{watch.scope}', {_SQLITE_TOKEN}); END"
                )
    return statements


def install_triggers(using: str = "default") -> None:
    """(Re)create the scope triggers on every data table; run after each migrate
    (benxi_cp.apps)."""
    connection = connections[using]
    builders = {"postgresql": (_drop_postgresql, _postgresql), "sqlite": (_drop_sqlite, _sqlite)}
    if connection.vendor not in builders:
        return
    existing = set(connection.introspection.table_names())
    if TABLE not in existing:
        return
    tables = _changes_only({table: w for table, w in watched_tables().items() if table in existing})
    drop, build = builders[connection.vendor]
    with connection.cursor() as cursor:
        for statement in drop(cursor) + build(tables):
            cursor.execute(statement)
