"""The read replica's routing decisions (benxi_cp/replica.py), with no standby: a `replica`
alias that is a second connection to the test database, and the router installed, as the
settings do when DATABASE_REPLICA_URL is set. The real standby: tests/benxi_cp/replica_standby.py.
"""

import logging

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction
from django.db.utils import ConnectionRouter
from django.http import HttpResponse
from django.urls import reverse

from benxi_cp import replica
from benxi_cp.management.commands import db_worker
from enterprises.models import Enterprise

# The fixture adds the alias to DATABASES, as the settings would with DATABASE_REPLICA_URL.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


@pytest.fixture
def router(settings, monkeypatch):
    """The settings with a replica alias and the router, as benxi_cp/settings.py makes them
    from DATABASE_REPLICA_URL. The alias never connects (a test may use only the databases
    it declares, and this one is made after the test started): it "connects" at once."""
    alias = dict(connections[DEFAULT_DB_ALIAS].settings_dict)
    settings.DATABASES = {**settings.DATABASES, replica.REPLICA: alias}
    monkeypatch.setitem(connections.settings, replica.REPLICA, alias)
    settings.REPLICA_DATABASES = [replica.REPLICA]
    settings.BENXI_REPLICA_RETRY_SECONDS = 5
    monkeypatch.setattr("multidb.replicas", None)
    monkeypatch.setattr(connections[replica.REPLICA], "ensure_connection", lambda: None)
    replica.mark_up()
    # An earlier test of this process may have run the task worker's command, which pins the
    # whole process to the primary (benxi_cp/management/commands/db_worker.py).
    replica.unpin_process()
    with replica.replica_reads():  # as in a web request that is not pinned
        yield replica.ReplicaRouter()
    replica.mark_up()
    replica.unpin_process()
    connections[replica.REPLICA].close()
    del connections[replica.REPLICA]


@pytest.mark.django_db
def test_reads_go_to_the_replica_and_writes_to_the_primary(router):
    assert router.db_for_read(Enterprise) == replica.REPLICA
    assert router.db_for_write(Enterprise) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(replica.REPLICA, "enterprises") is False


@pytest.mark.django_db
def test_a_transaction_the_code_opened_reads_from_the_primary(router):
    with transaction.atomic():
        assert router.db_for_read(Enterprise) == DEFAULT_DB_ALIAS
    assert router.db_for_read(Enterprise) == replica.REPLICA


@pytest.mark.django_db
def test_pinned_reads_and_the_worker_go_to_the_primary(router):
    with replica.primary():
        with replica.primary():
            assert router.db_for_read(Enterprise) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Enterprise) == DEFAULT_DB_ALIAS
    assert router.db_for_read(Enterprise) == replica.REPLICA
    replica.pin_process()
    assert router.db_for_read(Enterprise) == DEFAULT_DB_ALIAS


@pytest.mark.django_db
def test_only_web_requests_read_from_the_replica(router):
    with replica.replica_reads(False):  # a command, a thread, the shell
        assert router.db_for_read(Enterprise) == DEFAULT_DB_ALIAS
    assert router.db_for_read(Enterprise) == replica.REPLICA


def test_the_worker_command_pins_its_process(monkeypatch):
    pinned = []
    monkeypatch.setattr(replica, "pin_process", lambda: pinned.append(True))
    monkeypatch.setattr(db_worker.Worker, "run", lambda self: None)
    monkeypatch.setattr(db_worker.Worker, "configure_signals", lambda self: None)
    db_worker.Command().handle(
        verbosity=0,
        queue_name="default",
        interval=1,
        batch=True,
        backend_name="default",
        startup_delay=False,
        reload=False,
        max_tasks=None,
        worker_id="w",
        exclude_queues="",
    )
    assert pinned == [True]


@pytest.mark.django_db
def test_an_unreachable_replica_is_logged_once_and_not_tried_for_a_while(
    router, monkeypatch, caplog
):
    tries = []

    def refuse():
        tries.append(1)
        raise OperationalError("connection refused")

    monkeypatch.setattr(connections[replica.REPLICA], "ensure_connection", refuse)
    connections[replica.REPLICA].close()
    with caplog.at_level(logging.WARNING, logger="benxi_cp.replica"):
        assert [router.db_for_read(Enterprise) for _ in range(5)] == [DEFAULT_DB_ALIAS] * 5
    assert len(tries) == 1  # remembered: not one connection attempt per query
    [record] = caplog.records
    assert "reads go to the primary" in record.getMessage()
    monkeypatch.setattr(replica.time, "monotonic", lambda: 1e12)  # the retry time has passed
    assert router.db_for_read(Enterprise) == DEFAULT_DB_ALIAS and len(tries) == 2


@pytest.mark.django_db
def test_a_write_request_pins_the_browser_for_the_setting_s_seconds(
    router, client, settings, monkeypatch
):
    settings.DATABASE_ROUTERS = ["benxi_cp.replica.ReplicaRouter"]
    settings.MULTIDB_PINNING_SECONDS = 7
    monkeypatch.setattr(replica, "reachable", lambda: False)  # the pages' reads: the primary
    assert "benxi_pin" not in client.get(reverse("login")).cookies
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    cookie = response.cookies["benxi_pin"]
    assert cookie["max-age"] == 7 and cookie["httponly"]


@pytest.mark.django_db
def test_without_a_replica_nothing_changes(client_as, settings):
    assert not replica.configured() and not settings.DATABASE_ROUTERS
    assert ConnectionRouter().db_for_read(Enterprise) == DEFAULT_DB_ALIAS
    response = client_as("administrator").post(reverse("set_language"), {"language": "en"})
    assert "benxi_pin" not in response.cookies


IDLE_WORKER = {"worker": "ok", "tasks_waiting": 0, "oldest_wait_seconds": None}


@pytest.mark.django_db
def test_health_reports_both_databases(client, router, monkeypatch):
    monkeypatch.setattr(replica, "_lag_seconds", lambda: None)  # PostgreSQL, not in recovery
    said = client.get(reverse("health"))
    assert said.status_code == 200 and said["Cache-Control"] == "no-store"
    assert said.json() == {
        "primary": "ok",
        "replica": "not a standby",
        "replica_lag_seconds": None,
        **IDLE_WORKER,
    }
    replica.mark_up()
    for lag, state in [(0.0, "ok"), (3.04, "ok"), (15.5, "lagging")]:
        monkeypatch.setattr(replica, "_lag_seconds", lambda lag=lag: lag)
        said = client.get(reverse("health")).json()
        assert (said["replica"], said["replica_lag_seconds"]) == (state, round(lag, 1))


@pytest.mark.django_db
def test_health_without_a_replica_and_with_the_replica_down(client, router, monkeypatch):
    def refuse():
        raise OperationalError("connection refused")

    monkeypatch.setattr(replica, "_lag_seconds", refuse)
    assert client.get(reverse("health")).json() == {
        "primary": "ok",
        "replica": "down",
        "replica_lag_seconds": None,
        **IDLE_WORKER,
    }
    assert replica.is_down()


@pytest.mark.django_db
def test_health_needs_no_log_in_and_says_when_no_replica_is_configured(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json()["replica"] == "not configured"
    assert client.post(reverse("health")).status_code == 405


@pytest.mark.django_db
def test_the_middleware_lets_only_unpinned_requests_read_from_the_replica(router, rf, settings):
    seen = []

    def view(request):
        seen.append(router.db_for_read(Enterprise))
        return HttpResponse()

    middleware = replica.PinningMiddleware(view)
    pinned = rf.get("/")
    pinned.COOKIES[settings.MULTIDB_PINNING_COOKIE] = "y"
    with replica.replica_reads(False):  # outside a request: the primary
        for request in (rf.get("/"), rf.post("/"), pinned, rf.head("/")):
            middleware(request)
        assert router.db_for_read(Enterprise) == DEFAULT_DB_ALIAS
    assert seen == [replica.REPLICA, DEFAULT_DB_ALIAS, DEFAULT_DB_ALIAS, replica.REPLICA]
