"""Telling a collision of two transactions (worth one more try) from a real refusal."""

from django.db import DatabaseError, OperationalError

# deadlock_detected, serialization_failure, lock_not_available (PostgreSQL's SQLSTATEs)
CONFLICT_CODES = {"40P01", "40001", "55P03"}


def is_conflict(error: BaseException) -> bool:
    """Whether `error` is a deadlock or serialization failure (PostgreSQL) or a busy
    database (SQLite): the same transaction run again may well pass."""
    if not isinstance(error, DatabaseError):
        return False
    cause = error.__cause__ or error
    code = getattr(cause, "pgcode", None) or getattr(getattr(cause, "diag", None), "sqlstate", None)
    if code in CONFLICT_CODES:
        return True
    return isinstance(error, OperationalError) and "database is locked" in str(error)


def is_duplicate_key(error: BaseException) -> bool:
    """Whether `error` is a unique key violation: two writers creating the same record at
    once collide on it, and the second, run again, finds the first's record."""
    cause = error.__cause__ or error
    return getattr(cause, "pgcode", None) == "23505" or "UNIQUE constraint failed" in str(error)
