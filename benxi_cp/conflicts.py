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
