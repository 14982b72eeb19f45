"""The database's guard on signatures: a signature is never changed or deleted, whatever
writes (the admin, a bulk update, raw SQL); installed with the other guards after every
migrate (benxi_cp/guards.py)."""

from benxi_cp.guards import LOAD

TABLE = "portal_signature"
SIGNED = "portal_signature_signed"


def guarded_tables() -> set[str]:
    return {TABLE}


def is_signed_error(error) -> bool:
    return SIGNED in str(error)


def sqlite_triggers() -> tuple[list[str], list[str]]:
    names = [f"{SIGNED}_{event}" for event in ("update", "delete")]
    drop = [f"DROP TRIGGER IF EXISTS {name};" for name in names]
    create = [
        f"""CREATE TRIGGER {SIGNED}_{event} BEFORE {event.upper()} ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{SIGNED}: a signature cannot change'); END"""
        for event in ("update", "delete")
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
    return drop, create
