"""Reads from a real PostgreSQL hot standby (benxi_cp/replica.py), run on its own:

    deploy/standby start
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/benxi_replica \\
    DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:5433/benxi_replica \\
        .venv/bin/python -m pytest -q -p no:xdist tests/benxi_cp/replica_standby.py
    deploy/standby stop

**Why its own process and its own database.** pytest-django's tests run in a transaction
that is rolled back, or on a test database made for the run: a standby sees neither (a
physical standby replays only what the primary commits). So this module uses no test
database: it creates, if missing, the database DATABASE_URL names, migrates it, and
commits its rows there; the standby replays CREATE DATABASE and every commit, so it may be
started before or after. Each run adds its own enterprise and users (named by the run), so
the module can run again on the same database. Its name does not start with `test_`: the
suite does not collect it; it runs only when named, as above (.ci/run's replica step).

Without a standby (DATABASE_REPLICA_URL unset, or nothing on its port) the module is
skipped, except under CI=true, where that fails.

The last test stops the standby (deploy/standby stop) and starts it again after it (it
catches up in a second), so that the module leaves the standby as it found it; it needs
root, as deploy/standby does.
"""

import logging
import os
import socket
import subprocess
import time
import uuid
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest

STANDBY_SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "standby"


def _why_not() -> str | None:
    """Why this module cannot run here; None when it can."""
    url = os.environ.get("DATABASE_REPLICA_URL")
    if not url:
        return "DATABASE_REPLICA_URL is not set (deploy/standby start, then set it)"
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return "DATABASE_URL must name the standby's primary"
    where = urlsplit(url)
    try:
        socket.create_connection((where.hostname, where.port or 5432), timeout=2).close()
    except OSError:
        return f"nothing answers on {where.hostname}:{where.port}"
    return None


REASON = _why_not()
if REASON is not None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"the replica tests must run under CI: {REASON}", pytrace=False)
    pytest.skip(REASON, allow_module_level=True)

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import DatabaseError, close_old_connections, connections, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from benxi_cp import datacache, replica, roles  # noqa: E402
from enterprises.models import DischargeReport, Enterprise  # noqa: E402
from tests.enterprises.test_discharge_views import grid_post  # noqa: E402
from tests.reports.factories import make_report  # noqa: E402

RUN = uuid.uuid4().hex[:8]


def _create_database() -> None:
    """The primary's database DATABASE_URL names, if it is missing (the standby follows)."""
    name = connections["default"].settings_dict["NAME"]
    with connections["default"]._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')


def caught_up(seconds: float = 30) -> None:
    """Wait until the standby has replayed everything the primary committed so far."""
    with connections["default"].cursor() as cursor:
        # The insert position: the test settings commit without waiting for the WAL to be
        # written (synchronous_commit off), so the write position may be short of a commit.
        cursor.execute("SELECT pg_current_wal_insert_lsn()")
        [target] = cursor.fetchone()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with connections[replica.REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
        time.sleep(0.1)
    pytest.fail(f"the standby did not replay up to {target} in {seconds} s")


def replay(action: str) -> None:
    with connections[replica.REPLICA].cursor() as cursor:
        cursor.execute(f"SELECT pg_wal_replay_{action}()")


@pytest.fixture(scope="module")
def world(django_db_blocker):
    """The database, migrated, with an enterprise, its 2000 report (COD 1000) and two EPB
    clerks logged in, committed on the primary and replayed on the standby."""
    with django_db_blocker.unblock():
        _create_database()
        call_command("migrate", interactive=False, verbosity=0)
        with replica.primary():
            enterprise = Enterprise.objects.create(
                code=f"R-{RUN}", name=f"复制测试 {RUN}", name_en=f"Replica {RUN}", sector="coal"
            )
            report = make_report(enterprise, 2000, {"COD": "1000"}, status="draft")
            clients = {}
            for who in ("writer", "reader"):
                user = User.objects.create_user(username=f"{who}-{RUN}", password="x")
                user.groups.add(Group.objects.get(name=roles.EPB_STAFF))
                clients[who] = Client()
                clients[who].force_login(user)
                clients[who].cookies["django_language"] = "en"
        caught_up()
        yield {"report": report, **clients}


@pytest.fixture
def db_access(world, django_db_blocker):
    """The database, and the ORM's reads routed as in a web request that is not pinned (the
    test client's requests go through the middleware, which decides for each)."""
    with django_db_blocker.unblock(), replica.replica_reads():
        yield world


def get(client: Client, url: str):
    """A GET as a server makes it: at the start of each request Django checks the kept
    connections (the test client leaves that out)."""
    close_old_connections()
    return client.get(url)


def cod_shown(client: Client, report: DischargeReport) -> str:
    response = get(client, report.entry_url)
    assert response.status_code == 200
    [row] = [row for row in response.context["rows"] if row["pollutant"].code == "COD"]
    return str(row["form"]["amount"].value())


def test_the_replica_connection_is_read_only_and_a_write_through_it_is_refused(db_access):
    with connections[replica.REPLICA].cursor() as cursor:
        cursor.execute("SHOW default_transaction_read_only")
        assert cursor.fetchone() == ("on",)
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone() == (True,)
    enterprise = db_access["report"].enterprise
    with (
        pytest.raises(DatabaseError, match="read-only transaction"),
        transaction.atomic(using=replica.REPLICA),
    ):
        Enterprise.objects.using(replica.REPLICA).filter(pk=enterprise.pk).update(name="x")
    with pytest.raises(DatabaseError, match="read-only transaction"):
        Enterprise.objects.using(replica.REPLICA).create(code=f"W-{RUN}", name="x", sector="coal")
    assert Enterprise.objects.get(pk=enterprise.pk).name != "x"


def test_reads_go_to_the_standby(db_access):
    replay("pause")
    try:
        # Written on the primary while replay is paused: a read that the router sends to
        # the standby does not find it; one pinned to the primary does.
        with replica.primary():
            Enterprise.objects.create(code=f"P-{RUN}", name=f"暂停 {RUN}", sector="coal")
            assert Enterprise.objects.filter(code=f"P-{RUN}").exists()
        assert not Enterprise.objects.filter(code=f"P-{RUN}").exists()
        with transaction.atomic():  # a transaction reads from the primary
            assert Enterprise.objects.filter(code=f"P-{RUN}").exists()
    finally:
        replay("resume")
    caught_up()
    assert Enterprise.objects.filter(code=f"P-{RUN}").exists()


def test_a_writer_sees_their_save_at_once_and_others_once_the_standby_replays_it(db_access):
    report, writer, reader = db_access["report"], db_access["writer"], db_access["reader"]
    assert cod_shown(writer, report) == cod_shown(reader, report) == "1000"
    form = writer.get(report.entry_url)
    replay("pause")
    try:
        close_old_connections()
        saved = writer.post(report.entry_url, grid_post(form, COD="1234"))
        assert saved.status_code == 302 and saved.cookies["benxi_pin"]["max-age"] == 15
        assert report.values.using("default").get().amount == Decimal(1234)
        assert cod_shown(writer, report) == "1234"  # pinned to the primary: their own write
        assert cod_shown(reader, report) == "1000"  # the standby has not replayed it
        assert cod_shown(reader, report) == "1000"
    finally:
        replay("resume")
    caught_up()
    assert cod_shown(reader, report) == "1234"
    health = get(reader, reverse("health")).json()
    assert (health["primary"], health["replica"]) == ("ok", "ok")


def test_a_figure_is_computed_from_the_primary_whatever_the_standby_has_replayed(db_access):
    """The figures' cache reads its tokens on the primary: a figure computed from a standby
    behind it would be stored as current (benxi_cp/datacache.py)."""

    def count() -> int:
        return Enterprise.objects.filter(code__startswith=f"F-{RUN}").count()

    def figure() -> int:
        return datacache.cached("replica-test", RUN, compute=count, depends=("register",))

    assert figure() == 0
    replay("pause")
    try:
        Enterprise.objects.create(code=f"F-{RUN}", name=f"数字 {RUN}", sector="coal")
        assert count() == 0  # a page's own read: the standby, which has not replayed it
        assert figure() == 1  # computed on the primary, under the primary's tokens
        assert figure() == 1  # and served from the cache
    finally:
        replay("resume")
    caught_up()
    assert count() == figure() == 1


def test_with_the_standby_stopped_pages_still_answer_from_the_primary(db_access, caplog):
    report, reader = db_access["report"], db_access["reader"]
    subprocess.run([STANDBY_SCRIPT, "stop"], check=True, capture_output=True, timeout=60)
    try:
        with caplog.at_level(logging.WARNING, logger="benxi_cp.replica"):
            assert cod_shown(reader, report) == "1234"
            assert get(reader, reverse("enterprises:report_list")).status_code == 200
            health = get(reader, reverse("health"))
        assert health.status_code == 200
        state = health.json()
        assert (state["primary"], state["replica"]) == ("ok", "down")
        assert state["replica_lag_seconds"] is None
        said = [r.getMessage() for r in caplog.records if r.name == "benxi_cp.replica"]
        assert len(said) == 1 and "reads go to the primary" in said[0]  # once, not per query
    finally:
        subprocess.run([STANDBY_SCRIPT, "start"], check=True, capture_output=True, timeout=180)
        replica.mark_up()
