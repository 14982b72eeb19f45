"""Figures computed from the records, cached until any record changes.

The summary, dashboards, comparisons, trends, annual forms and charts read hundreds of
thousands of rows at province scale; they are computed once and kept in Django's cache
under the current data version (`DataVersion`, one row). Every table of the data apps
(enterprises, audits, targets) carries a trigger that increases that version in the same
transaction as the change, so:

- no write can leave a stale figure behind, whichever way it was made (form, admin, import
  bulk insert, queryset update, raw SQL, COPY);
- a reader takes the version before it reads the records: what it computes from an older
  snapshot is stored with the older version, which no reader accepts once the change commits.

PostgreSQL gets one statement-level trigger per table (a bulk insert bumps the version once);
SQLite, which has only row-level triggers, three per table.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.apps import apps
from django.core.cache import cache
from django.db import connections
from django.utils.translation import get_language

T = TypeVar("T")

DATA_APPS = ("enterprises", "audits", "targets")
TABLE = "benxi_cp_dataversion"
TRIGGER = "benxi_data_changed"
TIMEOUT = 7 * 24 * 3600  # a version that is still current after a week is still right


def current(using: str = "default") -> int:
    """The data version now: 0 before the first change."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT value FROM {TABLE} WHERE id = 1")  # noqa: S608 (a constant)
        row = cursor.fetchone()
    return row[0] if row else 0


def cache_key(namespace: str, *parts: object) -> str:
    """The cache key of `namespace` and `parts` in the current language."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"benxi:{namespace}:{get_language()}:{digest}"


def cached(namespace: str, *parts: object, compute: Callable[[], T]) -> T:
    """`compute()` from the cache when no record has changed since it was stored, else anew.

    `parts` (repr'd) name what is computed; the language is part of the key because computed
    values may hold translated text. The entry holds the data version it was computed at and
    is replaced when that is no longer current, so the cache holds one entry per figure, not
    one per version (a province's forms run to megabytes). One query (the version) when the
    value is cached."""
    version = current()
    key = cache_key(namespace, *parts)
    entry = cache.get(key)
    if entry is not None and entry[0] == version:
        return entry[1]
    value = compute()
    cache.set(key, (version, value), TIMEOUT)
    return value


def _part(value: object) -> object:
    """A stable stand-in for a key part: a record by its model and primary key."""
    meta = getattr(value, "_meta", None)
    if meta is not None and hasattr(value, "pk"):
        return (meta.label, value.pk)
    return value


def figure(namespace: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Decorator: the function's result is `cached` under its arguments (records by pk).
    The undecorated function stays reachable as `.compute`."""

    def decorate(function: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            parts = (
                tuple(_part(a) for a in args),
                tuple(sorted((k, _part(v)) for k, v in kwargs.items())),
            )
            return cached(namespace, *parts, compute=lambda: function(*args, **kwargs))

        wrapper.compute = function
        return wrapper

    return decorate


def data_tables() -> list[str]:
    """Every table of the data apps, their history and many-to-many tables included."""
    tables = []
    for label in DATA_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            meta = model._meta
            if meta.managed and not meta.proxy and meta.db_table not in tables:
                tables.append(meta.db_table)
    return tables


def _postgresql(tables: list[str]) -> list[str]:
    statements = [
        f"""CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO {TABLE} (id, value) VALUES (1, 1)
            ON CONFLICT (id) DO UPDATE SET value = {TABLE}.value + 1;
            RETURN NULL;
        END $$"""
    ]
    for table in tables:
        statements += [
            f'DROP TRIGGER IF EXISTS {TRIGGER} ON "{table}"',
            f'CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
            f"FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()",
        ]
    return statements


def _sqlite(tables: list[str]) -> list[str]:
    statements = []
    for table in tables:
        for event in ("INSERT", "UPDATE", "DELETE"):
            name = f"{TRIGGER}_{table}_{event.lower()}"
            statements += [
                f'DROP TRIGGER IF EXISTS "{name}"',
                f'CREATE TRIGGER "{name}" AFTER {event} ON "{table}" BEGIN '
                f"INSERT OR IGNORE INTO {TABLE} (id, value) VALUES (1, 0); "
                f"UPDATE {TABLE} SET value = value + 1 WHERE id = 1; END",
            ]
    return statements


def install_triggers(app_config=None, using: str = "default", **_kwargs) -> None:
    """(Re)create the version triggers on every data table; run after each migrate (once:
    post_migrate is sent for every app, after all of them are migrated)."""
    if app_config is not None and app_config.label != "benxi_cp":
        return
    connection = connections[using]
    builders = {"postgresql": _postgresql, "sqlite": _sqlite}
    if connection.vendor not in builders:
        return
    existing = set(connection.introspection.table_names())
    tables = [table for table in data_tables() if table in existing]
    if TABLE not in existing:
        return
    with connection.cursor() as cursor:
        for statement in builders[connection.vendor](tables):
            cursor.execute(statement)
