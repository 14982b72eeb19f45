"""The database's lock on a closed year: triggers `closed_year_*`, made after every migrate
(by `benxi_cp.guards`, where reports/apps.py registers them).

While a year is closed (a YearClosing row of the year not reopened), these are refused by
any path (forms, imports, the admin, bulk updates, raw SQL, COPY):

- discharge reports of the year (all periods): a new one, a change of its data or status,
  its deletion (its grade and `updated` stamps, derived, may change), and any insert,
  change or deletion of their values;
- audits assessed or accepted in the year (by their stored or new dates) and their steps,
  options, option reductions and feasibility analyses;
- options implemented in the year (whatever their audit), their reductions and feasibility;
- training and outreach events held in the year and their participants by enterprise (the
  programme office's register, form CP-6);
- monitoring values measured in the year, and permits in force in some day of the year
  (their days, issuer, version, outlets and limits: the year's compliance and permitted
  quantities are computed from them); the permit's stored document may still be replaced.

A change that only touches the `updated` stamps and the save counter `version` (a form
saved unchanged) passes. What the
year's forms also read but is not the year's own record stays open: the register
(enterprise names, CP status), the year before's discharge in form CP-3, the targets and
their actuals, audits still under way. A closed year's forms show any difference of those
from the copy of record (reports/closing.py). The ledger of annual discharge is derived from
the reports and follows them (manage.py rebuild_ledger recomputes it unchanged).

The copies of record cannot change nor be deleted, and a closing keeps what it recorded:
only its reopening fields are filled in, once.

The refusal's message carries `reports.closed.MARKER` (and the year on PostgreSQL), which
the write paths turn into a clear message. Loaders of generated data write below this lock
as below every guard (`benxi_cp.guards.suspended`: PostgreSQL's triggers read its setting;
on SQLite the triggers are dropped and made again).
"""

from __future__ import annotations

from audits.models import Audit, AuditStep, Option, OptionFeasibility, OptionReduction
from benxi_cp.guards import LOAD
from enterprises.locks import DERIVED
from enterprises.models import DischargeReport, DischargeValue
from permits.models import Limit, MonitoringValue, Outlet, Permit
from programme.models import TrainingEvent, TrainingParticipation
from reports.closed import MARKER
from reports.models import RecordCopy, YearClosing

PREFIX = "closed_year"
KEPT = "benxi_record_kept"
# Not the record's data: the `updated` stamps, and the save counter of the edit forms
# (benxi_cp/versions.py), which a form saved unchanged moves on.
STAMPS = {"id", "updated", "updated_by_id", "version"}


def _t(model) -> str:
    return model._meta.db_table


def _year(column: str, vendor: str) -> str:
    if vendor == "postgresql":
        return f"CAST(EXTRACT(YEAR FROM {column}) AS integer)"
    return f"CAST(substr({column}, 1, 4) AS INTEGER)"


def _closed(expr: str) -> str:
    """SQL: the year `expr` when it is closed now, else NULL."""
    return (
        f"(SELECT c.year FROM {_t(YearClosing)} c WHERE c.reopened_at IS NULL AND c.year = {expr})"
    )


def _audit(p: str, v: str) -> str:
    return (
        f"COALESCE({_closed(_year(f'{p}.assessed_on', v))}, "
        f"{_closed(_year(f'{p}.accepted_on', v))})"
    )


def _audit_by_id(expr: str, v: str) -> str:
    return f"(SELECT {_audit('a', v)} FROM {_t(Audit)} a WHERE a.id = {expr})"


def _option(p: str, v: str) -> str:
    return (
        f"COALESCE({_audit_by_id(f'{p}.audit_id', v)}, {_closed(_year(f'{p}.implemented_on', v))})"
    )


def _option_by_id(expr: str, v: str) -> str:
    return f"(SELECT {_option('o', v)} FROM {_t(Option)} o WHERE o.id = {expr})"


def _event_by_id(expr: str, v: str) -> str:
    return (
        f"(SELECT {_closed(_year('e.held_on', v))} FROM {_t(TrainingEvent)} e WHERE e.id = {expr})"
    )


def _permit(p: str, v: str) -> str:
    """SQL: the first closed year in which the permit `p` is in force, else NULL."""
    return (
        f"(SELECT MIN(c.year) FROM {_t(YearClosing)} c WHERE c.reopened_at IS NULL "
        f"AND c.year BETWEEN {_year(f'{p}.valid_from', v)} AND {_year(f'{p}.valid_to', v)})"
    )


def _permit_by_id(expr: str, v: str) -> str:
    return f"(SELECT {_permit('pp', v)} FROM {_t(Permit)} pp WHERE pp.id = {expr})"


# A permit's stored document is no part of what the year's compliance is computed from.
PERMIT_DOCUMENT = {"document", "document_name", "document_type", "document_size"}

# (key, model, the closed year a row of it belongs to (SQL over the row `p`), unguarded columns)
GUARDED = (
    ("report", DischargeReport, lambda p, v: _closed(f"{p}.year"), DERIVED),
    (
        "value",
        DischargeValue,
        lambda p, v: (
            f"(SELECT c.year FROM {_t(YearClosing)} c JOIN {_t(DischargeReport)} r "
            f"ON r.year = c.year WHERE c.reopened_at IS NULL AND r.id = {p}.report_id)"
        ),
        STAMPS,
    ),
    ("audit", Audit, _audit, STAMPS),
    ("step", AuditStep, lambda p, v: _audit_by_id(f"{p}.audit_id", v), STAMPS),
    ("option", Option, _option, STAMPS),
    ("reduction", OptionReduction, lambda p, v: _option_by_id(f"{p}.option_id", v), STAMPS),
    ("feasibility", OptionFeasibility, lambda p, v: _option_by_id(f"{p}.option_id", v), STAMPS),
    # The training and outreach of a closed year (its annual form, CP-6)
    ("training", TrainingEvent, lambda p, v: _closed(_year(f"{p}.held_on", v)), STAMPS),
    ("participation", TrainingParticipation, lambda p, v: _event_by_id(f"{p}.event_id", v), {"id"}),
    # The permits in force in a closed year and the monitoring of the year (its compliance)
    ("permit", Permit, _permit, STAMPS | PERMIT_DOCUMENT),
    ("outlet", Outlet, lambda p, v: _permit_by_id(f"{p}.permit_id", v), {"id"}),
    ("limit", Limit, lambda p, v: _permit_by_id(f"{p}.permit_id", v), {"id"}),
    ("monitoring", MonitoringValue, lambda p, v: _closed(_year(f"{p}.measured_on", v)), STAMPS),
)


def _changes(model, unguarded: set[str], old: str, new: str, distinct: str) -> str:
    """SQL: a change of the row's data; a user column may only be emptied (SET_NULL)."""
    parts = []
    for field in model._meta.concrete_fields:
        column = field.column
        if column in unguarded:
            continue
        if field.is_relation and field.null:
            changed = f"{new}.{column} {distinct} {old}.{column}"
            parts.append(f"({new}.{column} IS NOT NULL AND {changed})")
        else:
            parts.append(f"{new}.{column} {distinct} {old}.{column}")
    return "(" + " OR ".join(parts) + ")"


def _kept_changes(old: str, new: str, distinct: str) -> str:
    """SQL: a change of what a closing recorded (its reopening is filled in once)."""
    recorded = " OR ".join(
        f"{new}.{c} {distinct} {old}.{c}" for c in ("year", "closed_at", "closed_by_name")
    )
    reopening = " OR ".join(
        f"{new}.{c} {distinct} {old}.{c}"
        for c in ("reopened_at", "reopen_reason", "reopened_by_name")
    )
    return f"({recorded} OR ({old}.reopened_at IS NOT NULL AND ({reopening})))"


def _names() -> list[tuple[str, str]]:
    """(trigger, table) of every trigger made here."""
    names = [
        (f"{PREFIX}_{key}_{event}", _t(model))
        for key, model, _f, _u in GUARDED
        for event in ("insert", "update", "delete")
    ]
    names += [
        (f"{PREFIX}_copy_kept", _t(RecordCopy)),
        (f"{PREFIX}_closing_update", _t(YearClosing)),
        (f"{PREFIX}_closing_delete", _t(YearClosing)),
    ]
    return names


def postgresql_triggers() -> tuple[list[str], list[str]]:
    v = "postgresql"
    closings = _t(YearClosing)
    drop = [f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in _names()]
    create = []
    for key, model, year_of, unguarded in GUARDED:
        table = _t(model)
        for event, rows, expr, referencing in (
            ("insert", f"{PREFIX}_new nr", year_of("nr", v), f"NEW TABLE AS {PREFIX}_new"),
            (
                "update",
                f"{PREFIX}_old orow JOIN {PREFIX}_new nr ON orow.id = nr.id "
                f"WHERE {_changes(model, unguarded, 'orow', 'nr', 'IS DISTINCT FROM')}",
                f"COALESCE({year_of('orow', v)}, {year_of('nr', v)})",
                f"OLD TABLE AS {PREFIX}_old NEW TABLE AS {PREFIX}_new",
            ),
            ("delete", f"{PREFIX}_old orow", year_of("orow", v), f"OLD TABLE AS {PREFIX}_old"),
        ):
            name = f"{PREFIX}_{key}_{event}"
            create += [
                f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE closed integer;
                BEGIN
                    IF current_setting('{LOAD}', true) = 'on'
                       OR NOT EXISTS (SELECT 1 FROM {closings} WHERE reopened_at IS NULL) THEN
                        RETURN NULL;
                    END IF;
                    SELECT y INTO closed FROM (SELECT {expr} AS y FROM {rows}) t
                        WHERE y IS NOT NULL LIMIT 1;
                    IF closed IS NOT NULL THEN
                        RAISE EXCEPTION '{MARKER}: % is closed; reopen the year first', closed
                            USING ERRCODE = '23000';
                    END IF;
                    RETURN NULL;
                END $$""",
                f"""CREATE TRIGGER {name} AFTER {event.upper()} ON {table}
                    REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {name}()""",
            ]
    create += [
        f"""CREATE OR REPLACE FUNCTION {PREFIX}_kept() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF current_setting('{LOAD}', true) = 'on' THEN
                RETURN COALESCE(NEW, OLD);
            END IF;
            RAISE EXCEPTION '{KEPT}: a closing and its copy of record are kept as recorded'
                USING ERRCODE = '23000';
        END $$""",
        f"""CREATE TRIGGER {PREFIX}_copy_kept BEFORE UPDATE OR DELETE ON {_t(RecordCopy)}
            FOR EACH ROW EXECUTE FUNCTION {PREFIX}_kept()""",
        f"""CREATE TRIGGER {PREFIX}_closing_update BEFORE UPDATE ON {closings} FOR EACH ROW
            WHEN {_kept_changes("OLD", "NEW", "IS DISTINCT FROM")}
            EXECUTE FUNCTION {PREFIX}_kept()""",
        f"""CREATE TRIGGER {PREFIX}_closing_delete BEFORE DELETE ON {closings}
            FOR EACH ROW EXECUTE FUNCTION {PREFIX}_kept()""",
    ]
    return drop, create


def sqlite_triggers() -> tuple[list[str], list[str]]:
    v = "sqlite"
    refuse = f"SELECT RAISE(ABORT, '{MARKER}: the year is closed; reopen the year first')"
    kept = f"SELECT RAISE(ABORT, '{KEPT}: a closing and its copy of record are kept as recorded')"
    drop = [f"DROP TRIGGER IF EXISTS {name}" for name, _table in _names()]
    create = []
    for key, model, year_of, unguarded in GUARDED:
        table = _t(model)
        for event, when in (
            ("insert", f"{year_of('NEW', v)} IS NOT NULL"),
            (
                "update",
                f"{_changes(model, unguarded, 'OLD', 'NEW', 'IS NOT')} AND "
                f"COALESCE({year_of('OLD', v)}, {year_of('NEW', v)}) IS NOT NULL",
            ),
            ("delete", f"{year_of('OLD', v)} IS NOT NULL"),
        ):
            create.append(
                f"""CREATE TRIGGER {PREFIX}_{key}_{event} BEFORE {event.upper()} ON {table}
                FOR EACH ROW WHEN {when} BEGIN {refuse}; END"""
            )
    create += [
        f"""CREATE TRIGGER {PREFIX}_copy_kept BEFORE UPDATE ON {_t(RecordCopy)}
            BEGIN {kept}; END""",
        f"""CREATE TRIGGER {PREFIX}_closing_update BEFORE UPDATE ON {_t(YearClosing)}
            WHEN {_kept_changes("OLD", "NEW", "IS NOT")} BEGIN {kept}; END""",
        f"""CREATE TRIGGER {PREFIX}_closing_delete BEFORE DELETE ON {_t(YearClosing)}
            BEGIN {kept}; END""",
    ]
    # A copy's deletion too (a second trigger: SQLite's triggers have one event each).
    create.append(
        f"""CREATE TRIGGER {PREFIX}_copy_kept_delete BEFORE DELETE ON {_t(RecordCopy)}
            BEGIN {kept}; END"""
    )
    drop.append(f"DROP TRIGGER IF EXISTS {PREFIX}_copy_kept_delete")
    return drop, create


def guarded_tables() -> set[str]:
    """The tables the triggers need (benxi_cp.guards installs them when these exist)."""
    return {_t(model) for _k, model, _f, _u in GUARDED} | {_t(YearClosing), _t(RecordCopy)}
