"""Writing discharge reports safely: one lock order, retries, and the database's own lock.

Lock order. Every write of reports first locks the stored reports of each (enterprise, year)
it will touch, in primary key order, with `SELECT … FOR UPDATE OF` the reports alone (never
the enterprise row, which every insert of a report also needs, as a key share); only then
does it write reports, their values, flags and grades, and the ledger rows of those pairs.
A quarter's save re-grades the annual report of its year: both are locked up front, so two
saves of the same enterprise wait for each other instead of locking crosswise. The workflow
(`enterprises/workflow.py`), the discharge importer and the admin all take this order.

What still collides (two users creating the very same new report at once, a deadlock with a
writer outside this order) is retried once from the start (`run_in_transaction`), then
turned into `WriteConflict`, a clear "please try again", never a server error.

The database's lock (triggers built here, installed after every migrate by
`benxi_cp.guards`, where enterprises/apps.py registers them): a value of a verified
report cannot be inserted, changed or deleted, by any path (COPY, bulk updates, raw SQL); a
verified report's row cannot change its data or leave "verified" unless an unlock is
recorded in the same transaction: `workflow.unlock` writes a ReportUnlock row marked
`pending`, and the report's trigger consumes it. On PostgreSQL a pending unlock that is not
consumed by the end of its transaction is refused at commit. Derived columns (the grade, the
`updated` stamps) may change on a verified report. Loaders of generated data (the demo, the
scale seeder) write below the lock in `benxi_cp.guards.suspended()`, and so does
`manage.py flush` on SQLite, which empties tables row by row
(enterprises/management/commands/flush.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple, TypeVar

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext_lazy as _

from benxi_cp import refusals
from benxi_cp.conflicts import is_conflict, is_duplicate_key
from benxi_cp.guards import LOAD
from enterprises.ledger import pairs_q
from enterprises.models import DischargeReport, DischargeValue, ReportLocked, ReportUnlock

T = TypeVar("T")

# The message of the triggers' refusal, found again in the driver's error.
LOCKED = "benxi_report_locked"
# Columns a verified report may change: derived data, the stamps of who touched it last, and
# its save counter (benxi_cp.models.VersionedModel), which records no data.
DERIVED = {"id", "grade", "updated", "updated_by_id", "version"}


class WriteConflict(ValidationError):
    """Another change of the same reports got in the way; trying again will do."""

    def __init__(self):
        super().__init__(
            _(
                "Someone else was changing the same reports at this moment; nothing was saved. "
                "Please try again."
            ),
            code="write_conflict",
        )


class Locked(NamedTuple):
    pk: int
    period_kind: str
    period_number: int
    status: str


def lock_pairs(pairs: Iterable[tuple[int, int]]) -> list[Locked]:
    """Lock the stored reports of these (enterprise, year) pairs in primary key order, until
    the transaction ends, and read them (SQLite has no row locks: it writes one transaction
    at a time)."""
    pairs = sorted(set(pairs))
    if not pairs:
        return []
    rows = (
        DischargeReport.objects.filter(pairs_q(pairs))
        .order_by("pk")
        .select_for_update(of=("self",))
        .values_list("pk", "period_kind", "period_number", "status")
    )
    return [Locked(*row) for row in rows]


def is_locked_error(error: BaseException) -> bool:
    return isinstance(error, DatabaseError) and LOCKED in str(error)


def run_in_transaction(work: Callable[[], T], *, report=None, retries: int = 1) -> T:
    """`work()` in a transaction. A deadlock or serialization failure runs it again (when
    this is the outermost transaction: inside another, only its owner can start over), then
    gives WriteConflict; the database's refusal of a locked report gives ReportLocked.

    A duplicate key is tried again too: two users creating the same report at once (no
    stored report to lock yet) collide on its unique key; the second attempt finds the
    other's report and says so (the workflow's WriteConflict), a real duplicate fails again.
    """
    connection = transaction.get_connection()
    attempts = 1 if connection.in_atomic_block else 1 + retries
    for attempt in range(attempts):
        last = attempt + 1 == attempts
        try:
            with transaction.atomic():
                return work()
        except DatabaseError as error:
            if is_locked_error(error):
                raise ReportLocked(report) from error
            if (refused := refusals.refusal(error)) is not None:
                raise refused from error
            if is_duplicate_key(error) and not last:
                continue
            if not is_conflict(error):
                raise
            if last:
                raise WriteConflict() from error
    raise AssertionError("unreachable")


# -- the triggers -------------------------------------------------------------------------


def _report_changes(distinct: str) -> str:
    """SQL: the report row's data change (not its derived columns); a user column may only
    be emptied (its user deleted: SET_NULL)."""
    parts = []
    for field in DischargeReport._meta.concrete_fields:
        column = field.column
        if column in DERIVED:
            continue
        if field.is_relation and field.null:
            parts.append(f"(NEW.{column} IS NOT NULL AND NEW.{column} {distinct} OLD.{column})")
        else:
            parts.append(f"NEW.{column} {distinct} OLD.{column}")
    return " OR ".join(parts)


def _names() -> dict[str, str]:
    return {
        "report": DischargeReport._meta.db_table,
        "value": DischargeValue._meta.db_table,
        "unlock": ReportUnlock._meta.db_table,
        "verified": "verified",
        "locked": LOCKED,
    }


# On PostgreSQL an update's touched reports are joined by key (an OR of two IN scanned every
# verified report: 180 ms a save at 650,000 reports).
def postgresql_triggers() -> tuple[list[str], list[str]]:
    n = _names()
    changes = _report_changes("IS DISTINCT FROM")
    create = [
        # Values: one check per statement over the rows it touched (COPY included).
        f"""CREATE OR REPLACE FUNCTION benxi_value_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE locked bigint;
        BEGIN
            IF current_setting('{LOAD}', true) = 'on' THEN
                RETURN NULL;
            END IF;
            IF TG_OP = 'INSERT' THEN
                SELECT r.id INTO locked FROM benxi_new_rows v JOIN {n["report"]} r
                    ON r.id = v.report_id WHERE r.status = '{n["verified"]}' LIMIT 1;
            ELSIF TG_OP = 'UPDATE' THEN
                SELECT r.id INTO locked FROM (SELECT report_id FROM benxi_new_rows UNION
                    SELECT report_id FROM benxi_old_rows) v JOIN {n["report"]} r
                    ON r.id = v.report_id WHERE r.status = '{n["verified"]}' LIMIT 1;
            ELSE
                SELECT r.id INTO locked FROM benxi_old_rows v JOIN {n["report"]} r
                    ON r.id = v.report_id WHERE r.status = '{n["verified"]}' LIMIT 1;
            END IF;
            IF locked IS NOT NULL THEN
                RAISE EXCEPTION '{n["locked"]}: report % is verified; unlock it first', locked
                    USING ERRCODE = '23000';
            END IF;
            RETURN NULL;
        END $$""",
        f"""CREATE TRIGGER benxi_value_guard_insert AFTER INSERT ON {n["value"]}
            REFERENCING NEW TABLE AS benxi_new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION benxi_value_guard()""",
        f"""CREATE TRIGGER benxi_value_guard_update AFTER UPDATE ON {n["value"]}
            REFERENCING NEW TABLE AS benxi_new_rows OLD TABLE AS benxi_old_rows
            FOR EACH STATEMENT EXECUTE FUNCTION benxi_value_guard()""",
        f"""CREATE TRIGGER benxi_value_guard_delete AFTER DELETE ON {n["value"]}
            REFERENCING OLD TABLE AS benxi_old_rows
            FOR EACH STATEMENT EXECUTE FUNCTION benxi_value_guard()""",
        # A verified report's row: its data stays, unless an unlock of this transaction
        # (a pending ReportUnlock) is consumed.
        f"""CREATE OR REPLACE FUNCTION benxi_report_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF (TG_OP = 'UPDATE' AND NOT ({changes})) OR current_setting('{LOAD}', true) = 'on'
            THEN
                RETURN COALESCE(NEW, OLD);
            END IF;
            UPDATE {n["unlock"]} SET pending = false WHERE id = (
                SELECT id FROM {n["unlock"]} WHERE report_id = OLD.id AND pending
                ORDER BY id LIMIT 1);
            IF NOT FOUND THEN
                RAISE EXCEPTION '{n["locked"]}: report % is verified; unlock it first', OLD.id
                    USING ERRCODE = '23000';
            END IF;
            IF TG_OP = 'DELETE' THEN
                RETURN OLD;
            END IF;
            RETURN NEW;
        END $$""",
        f"""CREATE TRIGGER benxi_report_guard BEFORE UPDATE OR DELETE ON {n["report"]}
            FOR EACH ROW WHEN (OLD.status = '{n["verified"]}')
            EXECUTE FUNCTION benxi_report_guard()""",
        # An unlock recorded and not used in its own transaction does not outlive it.
        f"""CREATE OR REPLACE FUNCTION benxi_unlock_used() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM {n["unlock"]} WHERE id = NEW.id AND pending) THEN
                RAISE EXCEPTION '{n["locked"]}: the unlock of report % was not applied',
                    NEW.report_id USING ERRCODE = '23000';
            END IF;
            RETURN NULL;
        END $$""",
        f"""CREATE CONSTRAINT TRIGGER benxi_unlock_used AFTER INSERT ON {n["unlock"]}
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION benxi_unlock_used()""",
    ]
    drop = [
        f"DROP TRIGGER IF EXISTS benxi_value_guard_insert ON {n['value']}",
        f"DROP TRIGGER IF EXISTS benxi_value_guard_update ON {n['value']}",
        f"DROP TRIGGER IF EXISTS benxi_value_guard_delete ON {n['value']}",
        f"DROP TRIGGER IF EXISTS benxi_report_guard ON {n['report']}",
        f"DROP TRIGGER IF EXISTS benxi_unlock_used ON {n['unlock']}",
    ]
    return drop, create


def sqlite_triggers() -> tuple[list[str], list[str]]:
    n = _names()
    verified = f"SELECT 1 FROM {n['report']} WHERE status = '{n['verified']}' AND id = "
    refuse = f"SELECT RAISE(ABORT, '{n['locked']}: the report is verified; unlock it first')"
    create = [
        f"""CREATE TRIGGER benxi_value_guard_insert BEFORE INSERT ON {n["value"]}
            WHEN EXISTS ({verified} NEW.report_id) BEGIN {refuse}; END""",
        f"""CREATE TRIGGER benxi_value_guard_update BEFORE UPDATE ON {n["value"]}
            WHEN EXISTS ({verified} NEW.report_id) OR EXISTS ({verified} OLD.report_id)
            BEGIN {refuse}; END""",
        f"""CREATE TRIGGER benxi_value_guard_delete BEFORE DELETE ON {n["value"]}
            WHEN EXISTS ({verified} OLD.report_id) BEGIN {refuse}; END""",
    ]
    pending = f"SELECT 1 FROM {n['unlock']} WHERE report_id = OLD.id AND pending"
    consume = (
        f"UPDATE {n['unlock']} SET pending = 0 WHERE id = (SELECT min(id) FROM {n['unlock']} "
        "WHERE report_id = OLD.id AND pending)"
    )
    for event, condition in (("UPDATE", f" AND ({_report_changes('IS NOT')})"), ("DELETE", "")):
        create.append(
            f"""CREATE TRIGGER benxi_report_guard_{event.lower()} BEFORE {event} ON {n["report"]}
            WHEN OLD.status = '{n["verified"]}'{condition}
            BEGIN {refuse} WHERE NOT EXISTS ({pending}); {consume}; END"""
        )
    drop = [
        f"DROP TRIGGER IF EXISTS {name}"
        for name in (
            "benxi_value_guard_insert",
            "benxi_value_guard_update",
            "benxi_value_guard_delete",
            "benxi_report_guard_update",
            "benxi_report_guard_delete",
        )
    ]
    return drop, create


def guarded_tables() -> set[str]:
    """The tables the triggers need (benxi_cp.guards installs them when these exist)."""
    return {DischargeValue._meta.db_table, ReportUnlock._meta.db_table}


def schema_ready(connection) -> bool:
    """Whether the unlock marker the triggers read is there (else: migrated back below it,
    no lock)."""
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(
            cursor, ReportUnlock._meta.db_table
        )
    return "pending" in {column.name for column in columns}
