"""The database's guards: the triggers that lock records below every write path, one
registry for all of them.

Each app that guards its records in the database registers its triggers as a `Guard` in
`registry.guards`, from its AppConfig.ready(): the builders that give, per database vendor,
the statements that drop and create them, and the tables they need; the guards are
installed in the order they were registered.

`install` (re)creates every guard after each migrate (post_migrate); a guard whose tables
are missing (migrated back below them) is left alone, and one whose `present` check fails
is dropped.

`suspended()` lifts every guard at once, for loaders of generated data (the demo, the scale
seeder) and SQLite's flush, inside their transaction only: on PostgreSQL a setting local to
the transaction (`LOAD`), which every trigger reads, turns their checks off; on SQLite (one
writer at a time) the triggers are dropped and made again in it. On an error the
transaction's rollback restores them. The models' own checks ask `is_suspended()`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connections, transaction

from benxi_cp.registry import registry

# PostgreSQL: the transaction's setting under which loaders of generated data write; every
# guard's trigger returns at once when it is 'on'.
LOAD = "benxi.load_below_lock"
# Set on the connection while suspended() holds, for the models' own checks.
SUSPENDED = "benxi_guards_suspended"

Statements = tuple[list[str], list[str]]  # (drop, create)


@dataclass(frozen=True)
class Guard:
    """One app's triggers: `builders[vendor]()` gives (drop, create) statements; `tables()`
    the tables they need; `present(connection)`, when given, whether the schema is recent
    enough for them (else they are dropped)."""

    name: str
    builders: Mapping[str, Callable[[], Statements]]
    tables: Callable[[], set[str]]
    present: Callable[[object], bool] | None = None


def registered() -> list[Guard]:
    return list(registry.guards)


def _execute(connection, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _install_one(guard: Guard, connection, existing: set[str]) -> None:
    builder = guard.builders.get(connection.vendor)
    if builder is None or not guard.tables() <= existing:
        return
    drop, create = builder()
    if guard.present is not None and not guard.present(connection):
        _execute(connection, drop)  # migrated back below what the triggers read
        return
    _execute(connection, drop + create)


def install(using: str = "default") -> None:
    """(Re)create every registered guard; run after each migrate (benxi_cp.apps)."""
    connection = connections[using]
    if connection.vendor not in ("postgresql", "sqlite"):
        return
    existing = set(connection.introspection.table_names())
    with transaction.atomic(using=using):
        for guard in registered():
            _install_one(guard, connection, existing)


def remove(using: str = "default") -> None:
    """Drop every registered guard's triggers."""
    connection = connections[using]
    for guard in registered():
        builder = guard.builders.get(connection.vendor)
        if builder is not None:
            _execute(connection, builder()[0])


def is_suspended(using: str = "default") -> bool:
    """Whether a loader writes below the guards on this connection now."""
    return getattr(connections[using], SUSPENDED, False)


@contextmanager
def suspended(using: str = "default") -> Iterator[None]:
    """Write below every guard: a load of generated data (verified reports with their
    values, accepted audits with their options, records of closed years). Inside a
    transaction only, and for it alone; nested, it is already in force."""
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("suspended() needs a transaction")
    if is_suspended(using):
        yield
        return
    setattr(connection, SUSPENDED, True)
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'on', true)", [LOAD])
            yield
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'off', true)", [LOAD])
            return
        remove(using)
        yield
        install(using=using)
    finally:
        setattr(connection, SUSPENDED, False)
