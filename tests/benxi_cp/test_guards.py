"""One registry of the database's guards: every app's triggers made after each migrate, and
one suspended() that lifts them all, on SQLite and PostgreSQL alike."""

import pytest
from django.db import IntegrityError, connection, transaction

from audits.models import lock_suspended
from benxi_cp import guards

# What each guard's triggers are named (enterprises/locks.py, audits/locks.py,
# reports/yearlock.py).
PREFIXES = (
    "benxi_value_guard",
    "benxi_report_guard",
    "benxi_unlock_used",
    "audit_",
    "closed_year_",
)


def triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        names = {name for (name,) in cursor.fetchall()}
    return {name for name in names if name.startswith(PREFIXES)}


def load_setting() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s, true)", [guards.LOAD])
        return cursor.fetchone()[0] or ""


def test_the_apps_register_their_guards_in_order():
    assert [g.name for g in guards.registered()] == [
        "enterprises.locks",
        "audits.locks",
        "reports.yearlock",
        "portal.locks",
    ]
    for guard in guards.registered():
        assert set(guard.builders) == {"postgresql", "sqlite"}
        drop, create = guard.builders[connection.vendor]()
        assert drop and create


@pytest.mark.django_db
def test_every_guard_is_installed_after_migrate_and_installs_again_the_same():
    made = triggers()
    for prefix in PREFIXES:
        if prefix == "benxi_unlock_used" and connection.vendor != "postgresql":
            continue  # PostgreSQL's check at commit of an unused unlock
        assert any(name.startswith(prefix) for name in made), prefix
    guards.install()
    assert triggers() == made


@pytest.mark.django_db(transaction=True)
def test_suspended_needs_a_transaction():
    with pytest.raises(RuntimeError), guards.suspended():
        pass


@pytest.mark.django_db(transaction=True)
def test_suspended_lifts_every_guard_for_its_transaction_and_nests():
    made = triggers()
    with transaction.atomic():
        with guards.suspended():
            assert guards.is_suspended() and lock_suspended()
            if connection.vendor == "postgresql":
                assert load_setting() == "on" and triggers() == made
            else:
                assert triggers() == set()  # dropped in the transaction
            with guards.suspended():  # nested: already in force, left in force
                pass
            assert guards.is_suspended()
            if connection.vendor == "postgresql":
                assert load_setting() == "on"
            else:
                assert triggers() == set()
        assert not guards.is_suspended() and not lock_suspended()
        if connection.vendor == "postgresql":
            assert load_setting() == "off"
    assert triggers() == made


@pytest.mark.django_db(transaction=True)
def test_a_failed_load_leaves_every_guard_in_place():
    made = triggers()
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        guards.suspended(),
        connection.cursor() as cursor,
    ):
        cursor.execute("INSERT INTO benxi_cp_siteflag (key, value, updated) VALUES ('x', '', NULL)")
    assert not guards.is_suspended()
    assert triggers() == made
