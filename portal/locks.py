"""The database's guard on signatures: a signature is never changed or deleted, whatever
writes (the admin, a bulk update, raw SQL); nor are the values of a signed submission (a
submitted or returned report with a signature: its values and its output value) until the
enterprise starts an amendment (the report is a draft again); nor is a returned signed
submission submitted again without one — the verified ones are locked by
enterprises/locks.py. Installed with the other guards after every migrate
(benxi_cp/guards.py)."""

from benxi_cp.guards import LOAD

TABLE = "portal_signature"
SIGNED = "portal_signature_signed"
VALUES = "enterprises_dischargevalue"
REPORTS = "enterprises_dischargereport"
VALUES_TRIGGER = "portal_signed_values"
REPORT_TRIGGER = "portal_signed_report"
# A report in these states with a signature is a signed submission.
SIGNED_STATES = "('submitted', 'returned')"
VALUE_COLUMNS = ("report_id", "pollutant_id", "amount", "basis")
# A returned signed submission is submitted again only as an amendment, signed again (it
# becomes a draft first): never straight back, unsigned, by anyone's "submit".
RESUBMITTED = "(OLD.status = 'returned' AND NEW.status = 'submitted')"


def guarded_tables() -> set[str]:
    return {TABLE, VALUES, REPORTS}


def _signed(report: str) -> str:
    """SQL: the report `report` (a column reference) is a signed submission."""
    return (
        f"(EXISTS (SELECT 1 FROM {REPORTS} r WHERE r.id = {report} "
        f"AND r.status IN {SIGNED_STATES}) "
        f"AND EXISTS (SELECT 1 FROM {TABLE} s WHERE s.report_id = {report}))"
    )


def _value_changed(distinct: str) -> str:
    return " OR ".join(f"NEW.{column} {distinct} OLD.{column}" for column in VALUE_COLUMNS)


VALUES_MESSAGE = f"{SIGNED}: the values of a signed submission cannot change"


def is_signed_error(error) -> bool:
    return SIGNED in str(error)


def sqlite_triggers() -> tuple[list[str], list[str]]:
    names = [f"{SIGNED}_{event}" for event in ("update", "delete")]
    names += [f"{VALUES_TRIGGER}_{event}" for event in ("insert", "update", "delete")]
    names.append(REPORT_TRIGGER)
    drop = [f"DROP TRIGGER IF EXISTS {name};" for name in names]
    create = [
        f"""CREATE TRIGGER {SIGNED}_{event} BEFORE {event.upper()} ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{SIGNED}: a signature cannot change'); END"""
        for event in ("update", "delete")
    ]
    refuse = f"BEGIN SELECT RAISE(ABORT, '{VALUES_MESSAGE}'); END"
    create += [
        f"CREATE TRIGGER {VALUES_TRIGGER}_insert BEFORE INSERT ON {VALUES} "
        f"WHEN {_signed('NEW.report_id')} {refuse}",
        f"CREATE TRIGGER {VALUES_TRIGGER}_update BEFORE UPDATE ON {VALUES} "
        f"WHEN ({_value_changed('IS NOT')}) "
        f"AND ({_signed('OLD.report_id')} OR {_signed('NEW.report_id')}) {refuse}",
        f"CREATE TRIGGER {VALUES_TRIGGER}_delete BEFORE DELETE ON {VALUES} "
        f"WHEN {_signed('OLD.report_id')} {refuse}",
        f"CREATE TRIGGER {REPORT_TRIGGER} BEFORE UPDATE ON {REPORTS} "
        f"WHEN OLD.status IN {SIGNED_STATES} "
        f"AND (NEW.output_10k_yuan IS NOT OLD.output_10k_yuan OR {RESUBMITTED}) "
        f"AND EXISTS (SELECT 1 FROM {TABLE} s WHERE s.report_id = OLD.id) {refuse}",
    ]
    return drop, create


def postgresql_triggers() -> tuple[list[str], list[str]]:
    drop = [
        f"DROP TRIGGER IF EXISTS {SIGNED} ON {TABLE};",
        f"DROP FUNCTION IF EXISTS {SIGNED}();",
    ]
    create = [
        f"""CREATE FUNCTION {SIGNED}() RETURNS trigger AS $$
        BEGIN
            IF current_setting('{LOAD}', true) = 'on' THEN
                RETURN COALESCE(NEW, OLD);
            END IF;
            RAISE EXCEPTION '{SIGNED}: a signature cannot change' USING ERRCODE = '23514';
        END $$ LANGUAGE plpgsql;""",
        f"""CREATE TRIGGER {SIGNED} BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION {SIGNED}();""",
    ]
    values_drop, values_create = _postgresql_values_triggers()
    return drop + values_drop, create + values_create


def _postgresql_values_triggers() -> tuple[list[str], list[str]]:
    """A signed submission's values and output value: refused unless loading below the lock."""
    drop = [
        f"DROP TRIGGER IF EXISTS {VALUES_TRIGGER} ON {VALUES};",
        f"DROP FUNCTION IF EXISTS {VALUES_TRIGGER}();",
        f"DROP TRIGGER IF EXISTS {REPORT_TRIGGER} ON {REPORTS};",
        f"DROP FUNCTION IF EXISTS {REPORT_TRIGGER}();",
    ]
    loading = f"current_setting('{LOAD}', true) = 'on'"
    raise_ = f"RAISE EXCEPTION '{VALUES_MESSAGE}' USING ERRCODE = '23514';"
    create = [
        f"""CREATE FUNCTION {VALUES_TRIGGER}() RETURNS trigger AS $$
        BEGIN
            IF {loading} THEN RETURN COALESCE(NEW, OLD); END IF;
            IF TG_OP = 'UPDATE' AND NOT ({_value_changed("IS DISTINCT FROM")}) THEN
                RETURN NEW;
            END IF;
            IF (TG_OP <> 'DELETE' AND {_signed("NEW.report_id")})
               OR (TG_OP <> 'INSERT' AND {_signed("OLD.report_id")}) THEN
                {raise_}
            END IF;
            RETURN COALESCE(NEW, OLD);
        END $$ LANGUAGE plpgsql;""",
        f"""CREATE TRIGGER {VALUES_TRIGGER} BEFORE INSERT OR UPDATE OR DELETE ON {VALUES}
        FOR EACH ROW EXECUTE FUNCTION {VALUES_TRIGGER}();""",
        f"""CREATE FUNCTION {REPORT_TRIGGER}() RETURNS trigger AS $$
        BEGIN
            IF {loading} THEN RETURN NEW; END IF;
            IF OLD.status IN {SIGNED_STATES}
               AND (NEW.output_10k_yuan IS DISTINCT FROM OLD.output_10k_yuan OR {RESUBMITTED})
               AND EXISTS (SELECT 1 FROM {TABLE} s WHERE s.report_id = OLD.id) THEN
                {raise_}
            END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql;""",
        f"""CREATE TRIGGER {REPORT_TRIGGER} BEFORE UPDATE ON {REPORTS}
        FOR EACH ROW EXECUTE FUNCTION {REPORT_TRIGGER}();""",
    ]
    return drop, create
