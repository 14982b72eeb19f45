"""The database's lock on accepted audits: like the lock on verified reports
(enterprises/locks.py), below every form, grid, importer, admin page and raw SQL.

An audit whose acceptance passed is locked: its options, their reductions and feasibility
analyses, its material balance and its steps cannot be inserted, changed or deleted, and
its own row keeps its figures (`Audit.LOCKED_FIELDS`; the demonstration, named after the
acceptance, and the descriptions may change) and cannot be deleted, unless an administrator
has unlocked it: an open `AuditUnlock` row (with its reason) lets the changes through until
the audit is locked again (`audits.services.unlock_audit`, `relock_audit`).

The models refuse first, with a clear message (`AuditLocked`); the triggers here catch
what goes around them (bulk updates, queryset deletes, raw SQL). They are installed after
every migrate by `benxi_cp.guards` (audits/apps.py registers them). Loaders of generated
data (the demo) and `manage.py flush` on SQLite write below the lock in
`benxi_cp.guards.suspended()`: on PostgreSQL the transaction's setting every guard reads
(`benxi_cp.guards.LOAD`), on SQLite the triggers are dropped and made again in the same
transaction.

Trigger names start with `audit_lock_`.

The same triggers' builders also hold the audit rules where SQL can express them (names
`audit_rule_*`, refusal marked RULE), below the models' own checks (`Option.clean`,
`AuditStep.clean`):

- a medium/high-fee option becomes "feasible" or "implemented" (or is created so) only
  with its feasibility analysis;
- step 3 completes only with a material balance, step 4 only when no option is left
  "proposed", step 5 only when every selected medium/high-fee option has its feasibility:
  a step's change to "completed". The steps an audit is created with (`steps_completed`,
  at most two by `Audit.clean`) are the models' to check.

The reason a negative NPV needs is not among them: the NPV is computed from the analysis's
figures (numpy-financial), not stored, and the models and forms check it.
"""

from __future__ import annotations

from django.db import DatabaseError

from audits.choices import RETAINED_STATUSES, FeeClass, OptionStatus, StepStatus
from audits.models import (
    Audit,
    AuditStep,
    AuditUnlock,
    MaterialBalanceLine,
    Option,
    OptionFeasibility,
    OptionReduction,
)
from audits.steps import OPTION_RULE, STEP_RULES
from benxi_cp.guards import LOAD

# The message of the triggers' refusal, found again in the driver's error.
LOCKED = "benxi_audit_locked"
RULE = "benxi_audit_rule"
PASS = "pass"
MH = FeeClass.MEDIUM_HIGH.value
ANALYSED = (OptionStatus.FEASIBLE.value, OptionStatus.IMPLEMENTED.value)
COMPLETED = StepStatus.COMPLETED.value


def is_locked_error(error: BaseException) -> bool:
    return isinstance(error, DatabaseError) and LOCKED in str(error)


def is_rule_error(error: BaseException) -> bool:
    return isinstance(error, DatabaseError) and RULE in str(error)


def _step_rules(step: str) -> list[tuple[int, str, str]]:
    """(step number, SQL condition that refuses its completion, message) over the step row
    `step`; the messages are those of audits/steps.py."""
    n = _tables()
    balance = MaterialBalanceLine._meta.db_table
    feasibility = OptionFeasibility._meta.db_table
    # Every option kept at screening (selected, feasible, not feasible, implemented), as the
    # models' rule (audits.models.step_refusal) counts them.
    retained = ", ".join(f"'{status.value}'" for status in RETAINED_STATUSES)
    return [
        (
            3,
            f"NOT EXISTS (SELECT 1 FROM {balance} b WHERE b.audit_id = {step}.audit_id)",
            STEP_RULES[3].rule,
        ),
        (
            4,
            f"EXISTS (SELECT 1 FROM {n['option']} o WHERE o.audit_id = {step}.audit_id "
            f"AND o.status = '{OptionStatus.PROPOSED.value}')",
            STEP_RULES[4].rule,
        ),
        (
            5,
            f"EXISTS (SELECT 1 FROM {n['option']} o WHERE o.audit_id = {step}.audit_id "
            f"AND o.fee_class = '{MH}' AND o.status IN ({retained}) "
            f"AND NOT EXISTS (SELECT 1 FROM {feasibility} f WHERE f.option_id = o.id))",
            STEP_RULES[5].rule,
        ),
    ]


def _analysed_sql(row: str) -> str:
    """SQL: the option `row` is medium/high-fee and feasible or implemented."""
    return f"{row}.fee_class = '{MH}' AND {row}.status IN ('{ANALYSED[0]}', '{ANALYSED[1]}')"


def _without_feasibility(row: str) -> str:
    table = OptionFeasibility._meta.db_table
    return f"NOT EXISTS (SELECT 1 FROM {table} f WHERE f.option_id = {row}.id)"


def _tables() -> dict[str, str]:
    return {
        "audit": Audit._meta.db_table,
        "unlock": AuditUnlock._meta.db_table,
        "option": Option._meta.db_table,
    }


# (trigger stem, table, how its rows reach their audit: "audit" or "option", events). An
# audit's eight steps are inserted with it (one per number, 1 to 8): only their changes and
# deletions are guarded, so that an audit recorded as accepted gets its steps.
def _children() -> list[tuple[str, str, str, tuple[str, ...]]]:
    every = ("insert", "update", "delete")
    return [
        ("option", Option._meta.db_table, "audit", every),
        ("balance", MaterialBalanceLine._meta.db_table, "audit", every),
        ("step", AuditStep._meta.db_table, "audit", ("update", "delete")),
        ("reduction", OptionReduction._meta.db_table, "option", every),
        ("feasibility", OptionFeasibility._meta.db_table, "option", every),
    ]


def _locked_sql(audit_id: str) -> str:
    """SQL: the audit `audit_id` (an expression) is accepted and has no open unlock."""
    n = _tables()
    return (
        f"EXISTS (SELECT 1 FROM {n['audit']} a WHERE a.id = {audit_id} "
        f"AND a.acceptance = '{PASS}' AND NOT EXISTS (SELECT 1 FROM {n['unlock']} u "
        "WHERE u.audit_id = a.id AND u.relocked_at IS NULL))"
    )


def _audit_changes(distinct: str) -> str:
    columns = [
        Audit._meta.get_field(name.removesuffix("_id")).column for name in Audit.LOCKED_FIELDS
    ]
    return " OR ".join(f"NEW.{column} {distinct} OLD.{column}" for column in columns)


def _open_unlock(audit: str) -> str:
    return (
        f"EXISTS (SELECT 1 FROM {_tables()['unlock']} u WHERE u.audit_id = {audit} "
        "AND u.relocked_at IS NULL)"
    )


def postgresql_triggers() -> tuple[list[str], list[str]]:
    """The PostgreSQL statements that drop and create the audits' lock and rules.

    Long: one SQL text per trigger, kept whole so that each can be read as the database runs
    it."""
    n = _tables()
    refuse = (
        f"RAISE EXCEPTION '{LOCKED}: audit % is accepted and locked; unlock it first', "
        "locked USING ERRCODE = '23000'"
    )
    create = [
        f"""CREATE OR REPLACE FUNCTION audit_lock_child() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE ids bigint[] := ARRAY[]::bigint[]; locked bigint;
        BEGIN
            IF current_setting('{LOAD}', true) = 'on' THEN
                RETURN COALESCE(NEW, OLD);
            END IF;
            IF TG_ARGV[0] = 'audit' THEN
                IF TG_OP <> 'DELETE' THEN ids := ids || NEW.audit_id::bigint; END IF;
                IF TG_OP <> 'INSERT' THEN ids := ids || OLD.audit_id::bigint; END IF;
            ELSE
                IF TG_OP <> 'DELETE' THEN
                    ids := ids || (SELECT audit_id::bigint FROM {n["option"]}
                                   WHERE id = NEW.option_id);
                END IF;
                IF TG_OP <> 'INSERT' THEN
                    ids := ids || (SELECT audit_id::bigint FROM {n["option"]}
                                   WHERE id = OLD.option_id);
                END IF;
            END IF;
            SELECT a.id INTO locked FROM {n["audit"]} a WHERE a.id = ANY(ids)
                AND a.acceptance = '{PASS}' AND NOT {_open_unlock("a.id")} LIMIT 1;
            IF locked IS NOT NULL THEN
                {refuse};
            END IF;
            RETURN COALESCE(NEW, OLD);
        END $$""",
        f"""CREATE OR REPLACE FUNCTION audit_lock_audit() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE locked bigint := OLD.id;
        BEGIN
            IF current_setting('{LOAD}', true) = 'on' OR {_open_unlock("OLD.id")} THEN
                RETURN COALESCE(NEW, OLD);
            END IF;
            IF TG_OP = 'DELETE' OR ({_audit_changes("IS DISTINCT FROM")}) THEN
                {refuse};
            END IF;
            RETURN COALESCE(NEW, OLD);
        END $$""",
        f"""CREATE TRIGGER audit_lock_audit BEFORE UPDATE OR DELETE ON {n["audit"]}
            FOR EACH ROW WHEN (OLD.acceptance = '{PASS}') EXECUTE FUNCTION audit_lock_audit()""",
    ]
    drop = [f"DROP TRIGGER IF EXISTS audit_lock_audit ON {n['audit']}"]
    # The audit rules.
    steps = "".join(
        f"""
            ELSIF NEW.number = {number} AND {condition} THEN
                RAISE EXCEPTION '{RULE}: {message}' USING ERRCODE = '23000';"""
        for number, condition, message in _step_rules("NEW")
    ).replace("ELSIF", "IF", 1)
    step_table = AuditStep._meta.db_table
    create += [
        f"""CREATE OR REPLACE FUNCTION audit_rule_option() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF current_setting('{LOAD}', true) = 'on' THEN RETURN NEW; END IF;
            IF {_analysed_sql("NEW")} AND (TG_OP = 'INSERT'
                    OR NEW.status IS DISTINCT FROM OLD.status
                    OR NEW.fee_class IS DISTINCT FROM OLD.fee_class)
                    AND {_without_feasibility("NEW")} THEN
                RAISE EXCEPTION '{RULE}: {OPTION_RULE} (%)', NEW.code USING ERRCODE = '23000';
            END IF;
            RETURN NEW;
        END $$""",
        f"""CREATE TRIGGER audit_rule_option BEFORE INSERT OR UPDATE ON {n["option"]}
            FOR EACH ROW EXECUTE FUNCTION audit_rule_option()""",
        f"""CREATE OR REPLACE FUNCTION audit_rule_step() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF current_setting('{LOAD}', true) = 'on' THEN RETURN NEW; END IF;
            IF NEW.status = '{COMPLETED}' AND OLD.status IS DISTINCT FROM '{COMPLETED}' THEN{steps}
                END IF;
            END IF;
            RETURN NEW;
        END $$""",
        f"""CREATE TRIGGER audit_rule_step BEFORE UPDATE ON {step_table}
            FOR EACH ROW EXECUTE FUNCTION audit_rule_step()""",
    ]
    drop += [
        f"DROP TRIGGER IF EXISTS audit_rule_option ON {n['option']}",
        f"DROP TRIGGER IF EXISTS audit_rule_step ON {step_table}",
    ]
    for stem, table, via, events in _children():
        create.append(
            f"""CREATE TRIGGER audit_lock_{stem} BEFORE {" OR ".join(events).upper()} ON {table}
            FOR EACH ROW EXECUTE FUNCTION audit_lock_child('{via}')"""
        )
        drop.append(f"DROP TRIGGER IF EXISTS audit_lock_{stem} ON {table}")
    return drop, create


def sqlite_triggers() -> tuple[list[str], list[str]]:
    n = _tables()
    refuse = f"SELECT RAISE(ABORT, '{LOCKED}: the audit is accepted and locked; unlock it first')"
    create, names = [], []
    rows_of = {"insert": ("NEW",), "update": ("NEW", "OLD"), "delete": ("OLD",)}
    for stem, table, via, events in _children():

        def audit_of(row: str, via=via) -> str:
            if via == "audit":
                return f"{row}.audit_id"
            return f"(SELECT audit_id FROM {n['option']} WHERE id = {row}.option_id)"

        for event in ("insert", "update", "delete"):
            rows = rows_of[event]
            if event not in events:
                names.append(f"audit_lock_{stem}_{event}")  # dropped, never made
                continue
            name = f"audit_lock_{stem}_{event}"
            condition = " OR ".join(_locked_sql(audit_of(row)) for row in rows)
            create.append(
                f"""CREATE TRIGGER {name} BEFORE {event.upper()} ON {table}
                WHEN {condition} BEGIN {refuse}; END"""
            )
            names.append(name)
    unlocked = _open_unlock("OLD.id")
    create += [
        f"""CREATE TRIGGER audit_lock_audit_update BEFORE UPDATE ON {n["audit"]}
            WHEN OLD.acceptance = '{PASS}' AND NOT {unlocked} AND ({_audit_changes("IS NOT")})
            BEGIN {refuse}; END""",
        f"""CREATE TRIGGER audit_lock_audit_delete BEFORE DELETE ON {n["audit"]}
            WHEN OLD.acceptance = '{PASS}' AND NOT {unlocked} BEGIN {refuse}; END""",
    ]
    names += ["audit_lock_audit_update", "audit_lock_audit_delete"]
    # The audit rules (SQLite's RAISE takes a fixed text).
    create += [
        f"""CREATE TRIGGER audit_rule_option_insert BEFORE INSERT ON {n["option"]}
            WHEN {_analysed_sql("NEW")}
            BEGIN SELECT RAISE(ABORT, '{RULE}: {OPTION_RULE}'); END""",
        f"""CREATE TRIGGER audit_rule_option_update BEFORE UPDATE ON {n["option"]}
            WHEN {_analysed_sql("NEW")}
                AND (NEW.status IS NOT OLD.status OR NEW.fee_class IS NOT OLD.fee_class)
                AND {_without_feasibility("NEW")}
            BEGIN SELECT RAISE(ABORT, '{RULE}: {OPTION_RULE}'); END""",
    ]
    names += ["audit_rule_option_insert", "audit_rule_option_update"]
    step_table = AuditStep._meta.db_table
    for number, condition, message in _step_rules("NEW"):
        name = f"audit_rule_step{number}"
        create.append(
            f"""CREATE TRIGGER {name} BEFORE UPDATE ON {step_table}
            WHEN NEW.number = {number} AND NEW.status = '{COMPLETED}'
                AND OLD.status IS NOT '{COMPLETED}' AND {condition}
            BEGIN SELECT RAISE(ABORT, '{RULE}: {message}'); END"""
        )
        names.append(name)
    return [f"DROP TRIGGER IF EXISTS {name}" for name in names], create


def guarded_tables() -> set[str]:
    """The tables the triggers need: below the unlocks (migrated back), no lock."""
    return {AuditUnlock._meta.db_table}
