"""Cached figures follow what they read: each write replaces the tokens of the scopes it
touches, at commit, and nothing else; a token is never seen twice."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone, translation

from audits.models import Option
from benxi_cp import datacache, guards, jobs
from benxi_cp.bulk import insert_rows
from benxi_cp.registry import registry
from enterprises import workflow
from enterprises.choices import ReportStatus
from enterprises.models import (
    AnnualDischarge,
    DischargeReport,
    DischargeValue,
    Enterprise,
    Pollutant,
    ReliabilityFlag,
)
from enterprises.workflow import ValueRow
from permits.models import MonitoringValue, Permit
from reports import annual, dashboards, figures, trends
from reports.summary import programme_summary
from targets.models import Department
from tests.reports.factories import make_enterprise, make_report

FIGURE_SCOPES = ("register", "audits", "discharge", "targets")  # what the dashboards read


def tokens() -> dict[str, int]:
    """The committed tokens (outside a transaction) or this transaction's view of them."""
    return {scope: datacache.current(scope) for scope in datacache.SCOPES}


def changed(write) -> set[str]:
    """The scopes whose token `write` (committed on its own) replaced."""
    before = tokens()
    write()
    after = tokens()
    return {scope for scope in datacache.SCOPES if after[scope] != before[scope]}


def raw(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# The map of tables to scopes ----------------------------------------------------------


def test_every_table_of_the_data_apps_has_its_scopes():
    tables = datacache.watched_tables()
    assert tables[Enterprise._meta.db_table][0].scope == "register"
    assert tables[Pollutant._meta.db_table][0].scope == "register"
    assert [w.scope for w in tables[AnnualDischarge._meta.db_table]] == ["discharge"]
    assert tables[Option._meta.db_table][0].scope == "audits"
    assert tables[Department._meta.db_table][0].scope == "targets"
    # The compliance and fee forms read the permits and their monitoring; no figure reads
    # the flags; history tables bump nothing.
    assert tables[Permit._meta.db_table][0].scope == "permits"
    assert tables[MonitoringValue._meta.db_table][0].scope == "permits"
    assert tables[ReliabilityFlag._meta.db_table] == ()
    assert tables[Enterprise.history.model._meta.db_table] == ()
    assert datacache.TABLE not in tables
    assert set(datacache.SCOPES_OF_TABLE) <= set(tables)
    report_watches = datacache.SCOPES_OF_TABLE[DischargeReport._meta.db_table]
    assert f"n.status = '{ReportStatus.VERIFIED}'" in report_watches[1].insert


def test_a_figure_must_name_known_scopes():
    with pytest.raises(ValueError):
        datacache.figure("x", depends=())
    with pytest.raises(ValueError):
        datacache.figure("x", depends=("everything",))


def test_the_figures_declare_what_they_read():
    assert programme_summary.depends == ("register", "audits", "discharge")
    assert set(dashboards.leadership.depends) == set(FIGURE_SCOPES)
    assert set(annual.FORM_SCOPES) == set(annual.FORMS)
    for chart in figures.CHARTS.values():
        assert chart.depends and set(chart.depends) <= set(datacache.SCOPES)


@pytest.mark.django_db
def test_each_watched_table_carries_its_triggers():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname LIKE %s AND c.relname <> %s",
                [f"{datacache.TRIGGER}%", datacache.PENDING],
            )
        else:
            cursor.execute(
                "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE %s",
                [f"{datacache.TRIGGER}%"],
            )
        watched = {row[0] for row in cursor.fetchall()}
    expected = {table for table, watches in datacache.watched_tables().items() if watches}
    assert watched == expected


# Writes at the database level, committed (transaction=True) ---------------------------


@pytest.mark.django_db(transaction=True)
def test_each_kind_of_write_replaces_the_token_of_its_scope_only():
    enterprise = make_enterprise("V1")
    assert changed(lambda: make_enterprise("V2")) == {"register"}  # save(), with history
    assert changed(lambda: Enterprise.objects.filter(code="V2").update(district="x")) == {
        "register"
    }
    assert changed(
        lambda: raw(
            f"UPDATE {Enterprise._meta.db_table} SET district = %s WHERE code = %s", ["y", "V1"]
        )
    ) == {"register"}
    assert changed(lambda: Department.objects.bulk_create([Department(code="d9", name="部")])) == {
        "targets"
    }
    assert changed(lambda: Department.objects.filter(code="d9").delete()) == {"targets"}
    # The importers' writer: COPY on PostgreSQL, multi-row INSERT elsewhere.
    columns = ["code", "name", "name_en", "duties", "duties_en"]
    assert changed(lambda: insert_rows(Department, columns, [("d8", "部门", "", "", "")])) == {
        "targets"
    }
    assert changed(lambda: list(Enterprise.objects.all())) == set()  # reading is no change
    # A draft report: its workflow, not its values, and no figure scope.
    report = make_report(enterprise, 2000, {"COD": "10"}, status="draft")
    value = report.values.get()
    assert (
        changed(lambda: DischargeValue.objects.filter(pk=value.pk).update(amount=Decimal(3)))
        == set()
    )
    assert changed(lambda: ReliabilityFlag.objects.filter(report=report).delete()) == set()
    assert changed(
        lambda: DischargeReport.objects.filter(pk=report.pk).update(status="submitted")
    ) == {"reports"}
    # Verifying touches verified figures; after that a value of it is one.
    assert changed(
        lambda: DischargeReport.objects.filter(pk=report.pk).update(status="verified")
    ) == {"reports", "discharge"}

    def correct() -> None:  # below the database's lock on verified reports, as an unlock
        with transaction.atomic(), guards.suspended():
            DischargeValue.objects.filter(pk=value.pk).update(amount=Decimal(4))

    assert changed(correct) == {"discharge"}


@pytest.mark.django_db(transaction=True)
def test_the_ledger_bumps_discharge_only_when_verified_figures_change():
    enterprise = make_enterprise("L1")
    cod = Pollutant.objects.get(code="COD")
    rows = AnnualDischarge.objects.filter(enterprise=enterprise)

    def add():
        AnnualDischarge.objects.create(
            enterprise=enterprise, year=2000, pollutant=cod, amount=1, basis="Y", verified=False
        )

    assert changed(add) == {"discharge"}  # a provisional row: the year is incomplete
    assert changed(lambda: rows.update(amount=2)) == set()  # a draft's figure
    assert (
        changed(lambda: raw(f"UPDATE {AnnualDischarge._meta.db_table} SET amount = 3, basis = 'Q'"))
        == set()
    )
    assert changed(lambda: rows.update(verified=True)) == {"discharge"}
    assert changed(lambda: rows.update(amount=5)) == {"discharge"}
    assert changed(lambda: rows.update(amount=5)) == set()  # no change of value
    assert changed(lambda: rows.update(verified=False)) == {"discharge"}
    assert changed(lambda: rows.update(year=2001)) == {"discharge"}  # a figure moved
    assert changed(lambda: rows.delete()) == {"discharge"}
    columns = ["enterprise_id", "year", "pollutant_id", "amount", "basis", "verified"]
    bulk = [(enterprise.pk, 2002, cod.pk, Decimal(1), "Y", True)]
    assert changed(lambda: insert_rows(AnnualDischarge, columns, bulk)) == {"discharge"}


@pytest.mark.django_db(transaction=True)
def test_editing_a_draft_changes_no_dashboard_scope_and_verifying_does(epb_user, epb_verifier):
    enterprise = make_enterprise("W1")
    cod = Pollutant.objects.get(code="COD")
    report = make_report(enterprise, 2000, {"COD": "10"}, status="draft")

    def edit():
        workflow.save_report(report, [ValueRow(cod, Decimal(12), "measured")], epb_user)

    assert not changed(edit) & set(FIGURE_SCOPES)
    report.refresh_from_db()
    workflow.submit(report, epb_user)
    assert "discharge" in changed(lambda: workflow.verify(report, epb_verifier))


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_never_gives_its_token_to_a_later_change():
    """The enterprise count computed inside a transaction that is rolled back (65 where the
    register holds 64) must not be served after a later, real change."""

    def count() -> int:
        return datacache.cached("count", compute=Enterprise.objects.count, depends=("register",))

    make_enterprise("R1")
    assert count() == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        make_enterprise("R2")
        assert count() == 2  # what this transaction sees
        raise RuntimeError
    Enterprise.objects.filter(code="R1").update(district="z")  # commits, count unchanged
    assert count() == Enterprise.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_figure_computed_after_uncommitted_writes_is_not_stored():
    make_enterprise("U1")
    key = datacache.cache_key("count")

    def count() -> int:
        return datacache.cached("count", compute=Enterprise.objects.count, depends=("register",))

    with transaction.atomic():
        make_enterprise("U2")
        assert count() == 2
        assert cache.get(key) is None
    assert count() == 2
    stored = cache.get(key)
    assert stored[2] == 2
    # A figure whose scopes the transaction did not touch is stored as usual... on
    # PostgreSQL; SQLite cannot tell a transaction that wrote from one that did not.
    cache.clear()
    with transaction.atomic():
        Department.objects.create(code="d1", name="部")
        assert count() == 2
        assert (cache.get(key) is not None) == (connection.vendor == "postgresql")


@pytest.mark.django_db(transaction=True)
def test_a_writing_transaction_reads_its_own_writes_and_not_the_stored_figure():
    make_enterprise("S1")
    assert programme_summary(2000).state_large_medium_total == 0
    with transaction.atomic():
        Enterprise.objects.update(state_large_medium=True)  # no save(), no signal
        assert programme_summary(2000).state_large_medium_total == 1
        transaction.set_rollback(True)
    assert programme_summary(2000).state_large_medium_total == 0


@pytest.mark.django_db
def test_inside_a_test_transaction_figures_follow_each_write():
    """A test's own transaction is the world it runs in: figures are cached in it and follow
    its writes, on both databases."""
    calls = []

    def compute():
        calls.append(1)
        return Enterprise.objects.count()

    assert datacache.cached("t", 1, compute=compute, depends=("register",)) == 0
    assert datacache.cached("t", 1, compute=compute, depends=("register",)) == 0
    assert len(calls) == 1
    make_enterprise("T1")
    assert datacache.cached("t", 1, compute=compute, depends=("register",)) == 1
    assert datacache.cached("t", 1, compute=compute, depends=("register",)) == 1
    assert len(calls) == 2
    Department.objects.create(code="d1", name="部")  # another scope
    assert datacache.cached("t", 1, compute=compute, depends=("register",)) == 1
    assert len(calls) == 2


@pytest.mark.django_db
def test_the_language_is_part_of_the_key():
    with translation.override("en"):
        english = datacache.cache_key("test", 1)
    with translation.override("zh-hans"):
        chinese = datacache.cache_key("test", 1)
    assert english != chinese


@pytest.mark.django_db(transaction=True)
def test_writers_of_different_enterprises_do_not_wait_for_each_other():
    """On PostgreSQL the tokens move at commit: an open transaction that wrote the register
    holds no shared row, so another's write of another enterprise commits meanwhile."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    first, second = make_enterprise("P1"), make_enterprise("P2")
    before = tokens()
    wrote, release, failures = threading.Event(), threading.Event(), []

    def hold_open():
        try:
            with transaction.atomic():
                Enterprise.objects.filter(pk=first.pk).update(district="a")
                AnnualDischarge.objects.create(
                    enterprise=first,
                    year=2000,
                    pollutant=Pollutant.objects.get(code="COD"),
                    amount=1,
                    basis="Y",
                    verified=True,
                )
                wrote.set()
                release.wait(60)
        except Exception as error:  # noqa: BLE001 (reported to the test)
            failures.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold_open)
    thread.start()
    try:
        assert wrote.wait(60)
        with transaction.atomic():
            raw("SET LOCAL lock_timeout = '5s'")  # a wait for the first would fail here
            Enterprise.objects.filter(pk=second.pk).update(district="b")
            AnnualDischarge.objects.create(
                enterprise=second,
                year=2000,
                pollutant=Pollutant.objects.get(code="COD"),
                amount=1,
                basis="Y",
                verified=True,
            )
        middle = tokens()
        assert middle["register"] != before["register"]
        assert middle["discharge"] != before["discharge"]
    finally:
        release.set()
        thread.join(60)
    assert not failures
    after = tokens()
    assert after["register"] != middle["register"]  # the first's commit bumped again
    assert after["discharge"] != middle["discharge"]


# One computation at a time, stale figures with their time ----------------------------


@pytest.fixture(params=["locmem", "redis"])
def shared_cache(request, settings):
    """The default cache: local memory, or Redis (REDIS_URL, else db 11 here) as several
    processes would share it."""
    if request.param == "redis":
        import os

        import redis

        url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/11"
        try:
            redis.Redis.from_url(url).ping()
        except redis.RedisError:
            if os.environ.get("CI") == "true":
                raise
            pytest.skip(f"no Redis at {url}")
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
        }
    cache.clear()
    yield request.param
    cache.clear()


@pytest.mark.django_db(transaction=True)
def test_two_readers_of_a_missing_figure_compute_it_once(shared_cache, monkeypatch):
    computing, waiting, release = threading.Event(), threading.Event(), threading.Event()
    calls, results = [], {}
    sleep = datacache._sleep

    def compute():
        calls.append(1)
        computing.set()
        assert release.wait(60)
        return "figure"

    def noticed_sleep(seconds):
        waiting.set()
        sleep(seconds)

    monkeypatch.setattr(datacache, "_sleep", noticed_sleep)

    def read(name):
        try:
            results[name] = datacache.cached(
                "once", compute=compute, depends=("register", "audits")
            )
        finally:
            connections.close_all()

    first = threading.Thread(target=read, args=("first",))
    first.start()
    assert computing.wait(60)
    second = threading.Thread(target=read, args=("second",))
    second.start()
    assert waiting.wait(60)  # the second waits for the first, with nothing to show
    release.set()
    first.join(60)
    second.join(60)
    assert results == {"first": "figure", "second": "figure"}
    assert len(calls) == 1


@pytest.mark.django_db(transaction=True)
def test_a_stale_figure_is_served_with_its_time_while_another_computes_it(shared_cache):
    def count():
        return datacache.cached("stale", compute=Enterprise.objects.count, depends=("register",))

    assert count() == 0
    computed = cache.get(datacache.cache_key("stale"))[1]
    make_enterprise("Z1")
    datacache.forget_stale()
    # Another process is computing it: its lock is in the cache.
    assert cache.add(datacache.cache_key("stale") + ":lock", "other", 60)
    assert count() == 0
    assert datacache.stale_since() == computed
    cache.delete(datacache.cache_key("stale") + ":lock")
    datacache.forget_stale()
    assert count() == 1
    assert datacache.stale_since() is None


@pytest.mark.django_db(transaction=True)
def test_a_figure_computed_a_moment_ago_is_recomputed_only_after_a_while(settings):
    def count():
        return datacache.cached("recent", compute=Enterprise.objects.count, depends=("register",))

    def download():
        return datacache.cached(
            "recent", compute=Enterprise.objects.count, depends=("register",), stale_ok=False
        )

    settings.BENXI_FIGURES_REFRESH_AFTER = 60
    assert count() == 0
    computed = cache.get(datacache.cache_key("recent"))[1]
    make_enterprise("R1")
    datacache.forget_stale()
    assert count() == 0  # computed seconds ago: served with its time, not recomputed
    assert datacache.stale_since() == computed
    datacache.forget_stale()
    assert download() == 1  # a file to download is always current
    make_enterprise("R2")
    key = datacache.cache_key("recent")
    tokens, _computed, value = cache.get(key)
    cache.set(key, (tokens, timezone.now() - datetime.timedelta(seconds=61), value))
    datacache.forget_stale()
    assert count() == 2  # older than the interval: recomputed at once
    assert datacache.stale_since() is None


@pytest.mark.django_db(transaction=True)
def test_a_download_waits_for_the_current_figure_rather_than_serve_a_stale_one(monkeypatch):
    def count():
        return datacache.cached(
            "file", compute=Enterprise.objects.count, depends=("register",), stale_ok=False
        )

    assert count() == 0
    make_enterprise("F1")
    monkeypatch.setattr(datacache, "WAIT", 0.0)  # the other never finishes: compute it
    assert cache.add(datacache.cache_key("file") + ":lock", "other", 60)
    assert count() == 1
    assert datacache.stale_since() is None


# Refreshed by the task queue's worker, never by a thread of the web -------------------

CALLS: list[str] = []  # the language of each computation of `counted`
FAILING: list[bool] = []  # while not empty, `counted` fails


@datacache.figure("test-counted", depends=("register",))
def counted(district: str = "") -> tuple[int, str]:
    """A figure for the tests of its refresh: the enterprises, in the language computed in."""
    CALLS.append(translation.get_language())
    if FAILING:
        raise RuntimeError("the figure cannot be computed")
    return Enterprise.objects.count(), translation.get_language()


@pytest.fixture
def background(settings, shared_cache, monkeypatch):
    """The refresh mode of production: a stale figure is queued (the database backend) for
    the worker, which `work()` runs in this process (so it shares even local memory)."""
    settings.BENXI_FIGURES_REFRESH = "background"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    if shared_cache == "locmem":
        monkeypatch.setattr(datacache, "_worker_reaches_readers", lambda: True)
    CALLS.clear()
    FAILING.clear()
    jobs.forget_worker_state()
    yield
    FAILING.clear()
    jobs.forget_worker_state()


def queued() -> int:
    """The refreshes waiting for the worker."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.ready().filter(task_path__endswith="refresh_figure").count()


def work() -> None:
    """The worker (`manage.py db_worker`) runs what is queued, then stops."""
    from django.core.management import call_command

    from benxi_cp import replica

    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        replica.unpin_process()


@pytest.fixture
def no_thread(monkeypatch):
    """Fails the test if the code starts a thread (the tests' own are started before)."""
    started = []
    monkeypatch.setattr(threading.Thread, "start", lambda thread: started.append(thread.name))
    yield
    assert started == []


@pytest.mark.django_db(transaction=True)
def test_a_stale_figure_is_served_at_once_and_refreshed_by_the_worker(background, no_thread):
    with translation.override("en"):
        assert counted() == (0, "en")  # nothing to show: computed by the request
        key = counted.key((), {})
        computed = cache.get(key)[1]
        make_enterprise("B1")  # committed: the entry is stale
        datacache.forget_stale()
        assert counted() == (0, "en")  # served at once; its refresh queued
        assert datacache.stale_since() == computed and datacache.updating()
        assert queued() == 1 and cache.get(key + ":lock") is not None
        datacache.forget_stale()
        assert counted() == (0, "en")  # another reader: the stale value, not queued again
        assert datacache.updating() and queued() == 1
    with translation.override("zh-hans"):
        work()  # the worker computes it in the reader's language, not its own
    assert cache.get(key + ":lock") is None and queued() == 0
    with translation.override("en"):
        datacache.forget_stale()
        assert counted() == (1, "en")
        assert datacache.stale_since() is None and not datacache.updating()
    assert CALLS == ["en", "en"]


@pytest.mark.django_db(transaction=True)
def test_with_the_worker_stopped_a_reader_after_the_lease_computes_the_figure(
    background, shared_cache, settings
):
    """No worker takes the queued refresh: once it has waited BENXI_WORKER_STALL_SECONDS
    and its lock's lease has run out, the next reader computes the figure itself rather
    than serve the old one for ever (and does not queue it again)."""
    from django_tasks_db.models import DBTaskResult

    if shared_cache == "locmem":
        pytest.skip("the memory of one process: its reader always computes (tested above)")
    key = counted.key((), {})
    assert counted()[0] == 0
    make_enterprise("W1")
    datacache.forget_stale()
    assert counted()[0] == 0 and queued() == 1  # stale, queued for the worker
    datacache.forget_stale()
    assert counted()[0] == 0  # the queue is not behind yet: the old value again
    waited = datetime.timedelta(seconds=settings.BENXI_WORKER_STALL_SECONDS + 1)
    DBTaskResult.objects.update(enqueued_at=timezone.now() - waited)
    cache.delete(key + ":lock")  # its lease ran out
    jobs.forget_worker_state()
    datacache.forget_stale()
    assert counted()[0] == 1 and datacache.stale_since() is None
    assert len(CALLS) == 2 and queued() == 1  # the first reader's and this one's


@pytest.mark.django_db(transaction=True)
def test_a_refresh_queued_twice_computes_once(background, settings):
    key = counted.key((), {})
    assert counted()[0] == 0
    make_enterprise("T1")
    assert counted()[0] == 0
    cache.delete(key + ":lock")  # its lease ran out while the worker was busy
    assert counted()[0] == 0
    assert queued() == 2
    work()
    assert len(CALLS) == 2  # the second found the figure current
    assert counted()[0] == 1 and queued() == 0


@pytest.mark.django_db(transaction=True)
def test_a_failed_refresh_is_logged_and_queued_again_by_the_next_reader(background, caplog):
    key = counted.key((), {})
    assert counted()[0] == 0
    make_enterprise("E1")
    FAILING.append(True)
    assert counted()[0] == 0  # the stale value; the worker fails
    work()
    assert "the figure cannot be computed" in caplog.text
    assert any(r.levelname == "ERROR" and r.exc_info for r in caplog.records)
    assert cache.get(key + ":lock") is None  # released
    FAILING.clear()
    datacache.forget_stale()
    assert counted()[0] == 0  # still stale: the next reader queues it again
    assert datacache.updating() and queued() == 1
    work()
    assert counted()[0] == 1


@pytest.mark.django_db(transaction=True)
def test_when_the_refresh_cannot_be_queued_the_reader_keeps_the_previous_value(background, caplog):
    from django.db import OperationalError
    from django_tasks_db.backend import DatabaseBackend

    def away(*args):
        raise OperationalError("the queue's table is out of reach")

    key = counted.key((), {})
    assert counted()[0] == 0
    computed = cache.get(key)[1]
    make_enterprise("Q1")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseBackend, "enqueue", away)
        datacache.forget_stale()
        assert counted()[0] == 0
    assert datacache.stale_since() == computed and not datacache.updating()
    assert cache.get(key + ":lock") is None  # the next reader tries again
    assert "could not be queued" in caplog.text
    datacache.forget_stale()
    assert counted()[0] == 0 and datacache.updating() and queued() == 1


@pytest.mark.django_db(transaction=True)
def test_with_the_memory_of_one_process_the_reader_computes_the_figure(settings, no_thread):
    """The worker cannot store into a web process's own memory (no REDIS_URL): the reader
    that takes the lock computes the figure, as in the "request" mode; nothing is queued."""
    settings.BENXI_FIGURES_REFRESH = "background"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "l"}
    }
    assert counted()[0] == 0
    make_enterprise("L1")
    datacache.forget_stale()
    assert counted()[0] == 1 and datacache.stale_since() is None
    assert queued() == 0


@pytest.mark.django_db(transaction=True)
def test_the_immediate_backend_refreshes_in_the_reader(settings, no_thread):
    """The tests' backend runs a queued task at once: the reader gets the current figure."""
    settings.BENXI_FIGURES_REFRESH = "background"
    cache.clear()
    assert counted()[0] == 0
    make_enterprise("I1")
    datacache.forget_stale()
    assert counted()[0] == 1
    assert datacache.stale_since() is None and not datacache.updating()


@pytest.mark.django_db(transaction=True)
def test_in_the_background_mode_downloads_and_missing_figures_are_computed_in_the_request(
    background,
):
    def inner():
        return datacache.cached("bg-inner", compute=Enterprise.objects.count, depends=("register",))

    def download():
        return datacache.cached(
            "bg-file", compute=lambda: ("file", inner()), depends=("register",), stale_ok=False
        )

    assert inner() == 0  # nothing to show: computed by the request
    assert download() == ("file", 0)
    make_enterprise("G1")
    datacache.forget_stale()
    # The file and the figure inside it are both stale: the file waits for the current
    # figure, which is computed in the request too, never served stale nor queued.
    assert download() == ("file", 1)
    assert datacache.stale_since() is None
    assert queued() == 0
    assert inner() == 1


def test_a_figure_s_arguments_reach_its_task_as_they_make_its_key():
    import json

    record = Pollutant(pk=7, code="COD")
    arguments = (
        ("COD", 2000, None, True, 1.5, Decimal("1.10")),
        [datetime.date(2000, 1, 2), datetime.datetime(2000, 1, 2, 3, 4, tzinfo=datetime.UTC)],
        {"year": 2000, "sector": ""},
    )
    encoded = datacache._encode(arguments)
    assert datacache._decode(json.loads(json.dumps(encoded))) == arguments
    assert datacache._encode(record) == {"record": "enterprises.Pollutant", "pk": 7}
    with pytest.raises(TypeError):
        datacache._encode(Pollutant(code="X"))  # not stored: no way to read it again
    with pytest.raises(TypeError):
        datacache._encode(object())


@pytest.mark.django_db
def test_a_record_argument_is_read_again_by_the_task():
    cod = Pollutant.objects.get(code="COD")
    read = datacache._decode(datacache._encode(cod))
    assert read == cod and read is not cod
    assert trends.discharge_by_year.key((read, 2000), {}) == trends.discharge_by_year.key(
        (cod, 2000), {}
    )


def test_two_figures_may_not_share_a_namespace():
    with pytest.raises(ValueError, match="two figures"):
        datacache.figure("test-counted", depends=("register",))(lambda: 0)


@pytest.mark.django_db(transaction=True)
def test_no_request_starts_a_thread(client_as, background, monkeypatch):
    """Every page of figures, with each figure stale: served, refreshes queued, no thread."""
    client = client_as("administrator")
    pages = [
        (reverse("reports:dashboard"), {"year": 2000}),
        (reverse("reports:epb_dashboard"), {"year": 2000}),
        (reverse("reports:claims"), {"year": 2000}),
        (reverse("reports:trends"), {"year": 2000, "pollutant": "COD"}),
        (reverse("reports:form", args=["discharge"]), {"year": 2000}),
        (reverse("reports:chart", args=["discharge"]), {"year": 2000}),
        (reverse("reports:chart", args=["investment"]), {"year": 2000}),
    ]
    make_report(make_enterprise("W1"), 2000, {"COD": "10"}, status="verified")
    for url, query in pages:
        assert client.get(url, query).status_code == 200, url
    make_enterprise("W2")  # every figure of these pages is stale
    started = []
    monkeypatch.setattr(threading.Thread, "start", lambda thread: started.append(thread.name))
    for url, query in pages:
        assert client.get(url, query).status_code == 200, url
    assert started == []
    assert queued() >= len(pages)
    monkeypatch.undo()
    work()
    assert queued() == 0
    for url, query in pages:  # the worker computed each page's figures (nothing left stale)
        response = client.get(url, query)
        assert "figures-as-of" not in response.content.decode(), url


def test_no_thread_is_started_on_a_request_path():
    """The code starts no thread but the worker's job heartbeat (benxi_cp/jobs.py, run by
    `db_worker`) and the benchmark's load tool: a web request never starts one."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    starting = re.compile(r"threading\.Thread\(|ThreadPoolExecutor|\bTimer\(|_thread\.start")
    found = {
        str(path.relative_to(root))
        for path in root.glob("**/*.py")
        if ".venv" not in path.parts
        and path.parts[len(root.parts)] not in ("tests", "node_modules")
        and starting.search(path.read_text(encoding="utf-8", errors="replace"))
    }
    assert found == {"benxi_cp/jobs.py", "bench/load.py"}


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_refresh_leaves_a_short_lock_and_the_next_reader_queues_again(
    start_worker, settings, tmp_path
):
    """A real worker process, killed while it computes: its lock expires within the lease
    (seconds, not minutes), and the next reader queues the refresh for another worker."""
    import os

    import redis

    from tests.benxi_cp.held_jobs.figures import held_count
    from tests.benxi_cp.worker import wait_for

    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/11"
    try:
        client = redis.Redis.from_url(url)
        client.ping()
    except redis.RedisError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"no Redis at {url}")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    }
    settings.BENXI_FIGURES_REFRESH = "background"
    settings.BENXI_FIGURES_LEASE_SECONDS = 3
    cache.clear()
    release = tmp_path / "release"
    release.touch()
    assert held_count(str(release)) == 0
    release.unlink()
    release.with_suffix(".started").unlink()
    key = held_count.key((str(release),), {})
    make_enterprise("K1")
    assert held_count(str(release)) == 0  # queued
    worker = start_worker()
    wait_for(lambda: release.with_suffix(".started").exists(), "the worker to compute it")
    worker.kill()
    assert 0 < client.ttl(cache.make_and_validate_key(key + ":lock")) <= 3
    wait_for(lambda: cache.get(key + ":lock") is None, "the lock to expire", seconds=60)
    datacache.forget_stale()
    assert held_count(str(release)) == 0 and datacache.updating()  # queued again
    release.touch()
    start_worker()
    wait_for(lambda: held_count(str(release)) == 1, "another worker to compute it")
    cache.clear()


@pytest.mark.django_db
def test_the_page_says_when_its_figures_date_from(client_as, monkeypatch):
    client = client_as("leadership")
    url = reverse("reports:dashboard")
    assert "figures-as-of" not in client.get(url, {"year": 2000}).content.decode()
    with translation.override("zh-hans"):
        key = datacache.cache_key("dashboard-leadership", (2000,), ())
    computed = timezone.localtime(cache.get(key)[1])
    make_enterprise("D1")  # every figure of the dashboard is now stale
    monkeypatch.setattr(datacache, "_take", lambda lock, holder: False)  # others compute
    monkeypatch.setattr(datacache, "WAIT", 0.0)
    html = client.get(url, {"year": 2000}).content.decode()
    assert "figures-as-of" in html and computed.strftime("%H:%M") in html
    monkeypatch.undo()
    html = client.get(url, {"year": 2000}).content.decode()
    assert "figures-as-of" not in html


@pytest.mark.django_db
def test_a_draft_edit_leaves_the_dashboards_warm(client_as, epb_user):
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    enterprise = make_enterprise("K1")
    cod = Pollutant.objects.get(code="COD")
    report = make_report(enterprise, 2000, {"COD": "10"}, status="draft")
    client = client_as("administrator")
    pages = [reverse("reports:dashboard"), reverse("reports:epb_dashboard")]

    def queries() -> list[int]:
        counts = []
        for url in pages:
            with CaptureQueriesContext(db) as captured:
                assert client.get(url, {"year": 2000}).status_code == 200
            counts.append(len(captured))
        return counts

    queries()
    warm = queries()
    workflow.save_report(report, [ValueRow(cod, Decimal(12), "measured")], epb_user)
    assert queries() == warm
    make_enterprise("K2")  # the register: the figures are computed again
    assert [cold > hot for cold, hot in zip(queries(), warm, strict=True)] == [True, True]


def test_the_note_gives_the_day_of_a_figure_older_than_today():
    import datetime

    from benxi_cp.context_processors import figures_as_of

    datacache.forget_stale()
    assert figures_as_of() == ""
    now = timezone.localtime()
    datacache._served_stale(now)
    assert figures_as_of() == now.strftime("%H:%M")
    datacache._served_stale(now - datetime.timedelta(days=2))  # the oldest counts
    assert figures_as_of() == (now - datetime.timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    datacache.forget_stale()


# Only a change to what a figure reads moves its tokens ----------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_log_in_changes_no_figure_token(client, make_user):
    from programme.models import UserProfile
    from tests.fixtures import PASSWORD

    chosen = make_user("leadership", "chosen")
    UserProfile.objects.create(user=chosen, language="en")  # the update matches no row
    first = make_user("leadership", "first")
    UserProfile.objects.create(user=first)  # its first log-in writes its e-mail language
    make_user("leadership", "plain")  # no profile at all
    for username in ("chosen", "first", "plain"):
        before = tokens()
        response = client.post(
            reverse("login"),
            {"username": username, "password": PASSWORD},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 302
        assert tokens() == before, username
        client.logout()
    assert UserProfile.objects.get(user=first).language == "en"  # the log-in did write


@pytest.mark.django_db(transaction=True)
def test_a_profile_update_or_a_new_password_changes_no_figure_token(make_user):
    from programme.models import UserProfile

    user = make_user("leadership", "someone")
    profile = UserProfile.objects.create(user=user)
    assert changed(lambda: UserProfile.objects.filter(pk=profile.pk).update(language="en")) == set()

    def new_password():
        user.set_password("another secret")
        user.save()

    assert changed(new_password) == set()


@pytest.mark.django_db(transaction=True)
def test_a_statement_that_changes_no_row_changes_no_token():
    from programme.models import TrainingEvent
    from programme.outreach.choices import Audience, EventKind

    enterprise = make_enterprise("N1", district="x")
    event = TrainingEvent.objects.create(
        kind=EventKind.values[0],
        audience=Audience.values[0],
        title="培训",
        held_on=datetime.date(2000, 5, 1),
        hours=3,
    )
    enterprises = Enterprise.objects.filter(pk=enterprise.pk)
    nothing = Enterprise.objects.filter(code="none")
    assert changed(lambda: enterprises.update(district="x")) == set()  # what was there
    assert changed(lambda: nothing.update(district="y")) == set()  # no row matched
    assert changed(lambda: nothing.delete()) == set()
    assert changed(lambda: TrainingEvent.objects.filter(title="none").delete()) == set()
    # Saved unchanged through the model: only its stamps and save counter move.
    assert changed(lambda: TrainingEvent.objects.get(pk=event.pk).save()) == set()
    assert changed(lambda: Enterprise.objects.get(pk=enterprise.pk).save()) == set()
    # An insert that meets its conflict inserts nothing.
    department = Department.objects.create(code="d1", name="部")
    again = Department(code="d1", name="部")
    assert changed(lambda: Department.objects.bulk_create([again], ignore_conflicts=True)) == set()
    # ... and a real change still does.
    assert changed(lambda: enterprises.update(district="z")) == {"register"}
    assert changed(lambda: TrainingEvent.objects.filter(pk=event.pk).update(hours=2)) == {
        "programme"
    }
    assert changed(lambda: Department.objects.filter(pk=department.pk).delete()) == {"targets"}


@pytest.mark.django_db
def test_each_figure_reads_only_tables_whose_changes_move_its_tokens():
    """What a figure reads is what marks it stale, and no more: every data table in its SQL
    bumps one of the scopes it depends on; the tables that bump nothing (the office's tasks,
    staff profiles, ...) are read by no figure."""
    import re

    from django.test.utils import CaptureQueriesContext

    from programme.models import TrainingEvent
    from programme.outreach.choices import Audience, EventKind
    from reports import claims, trends

    enterprise = make_enterprise("Q1", slm=True)
    make_report(enterprise, 2000, {"COD": "10"}, status="verified")
    TrainingEvent.objects.create(
        kind=EventKind.values[0],
        audience=Audience.values[0],
        title="培训",
        held_on="2000-05-01",
        hours=3,
    )
    watched = datacache.watched_tables()
    pattern = re.compile(
        r"\b((?:{})_[a-z0-9_]+)\b".format("|".join(d.app_label for d in registry.data_scopes))
    )
    cod = Pollutant.objects.get(code="COD")
    computations = [
        (programme_summary, (2000,)),
        (dashboards.leadership, (2000,)),
        (dashboards.training, (2000,)),
        (dashboards.incentives_and_investment, (2000,)),
        (claims.comparisons, (2000,)),
        (claims.page, (2000,)),
        (trends.discharge_by_year, (cod, 2000)),
    ]
    runs = [(f.depends, lambda f=f, a=a: f.compute(*a), f.__name__) for f, a in computations]
    runs += [
        (annual.FORM_SCOPES[name], lambda name=name: annual.compose(name, 2000), name)
        for name in annual.FORMS
    ]
    for depends, run, name in runs:
        cache.clear()  # the figures it is built from are read too
        with CaptureQueriesContext(connection) as captured:
            run()
        read = {t for q in captured for t in pattern.findall(q["sql"]) if t in watched}
        assert read, name
        for table in read:
            assert {watch.scope for watch in watched[table]} & set(depends), (name, table)
    unread = {table for table, watches in watched.items() if not watches}
    assert "programme_userprofile" in unread and "programme_task" in unread


# A workflow cycle half done is never a figure -------------------------------------------


@pytest.fixture
def hold(settings):
    """Corrections held as in production (the suite's settings follow each step)."""
    settings.BENXI_FIGURES_HOLD = 60
    cache.clear()
    yield
    cache.clear()


def city_cod(namespace: str = "city-cod", stale_ok: bool = True):
    """A figure of verified discharge: the city's COD of 2000 (None while the year is not
    complete, as while its one report is unlocked)."""
    from enterprises import ledger

    return datacache.cached(
        namespace,
        compute=lambda: ledger.city_total(Pollutant.objects.get(code="COD").pk, 2000),
        depends=("register", "discharge"),
        stale_ok=stale_ok,
    )


@pytest.mark.django_db(transaction=True)
def test_a_correction_in_progress_is_never_stored_as_a_figure(
    hold, administrator, epb_user, epb_verifier
):
    from enterprises.models import ReportUnlock

    cod = Pollutant.objects.get(code="COD")
    report = DischargeReport(enterprise=make_enterprise("H1"), year=2000)
    workflow.save_report(report, [ValueRow(cod, Decimal(10), "measured")], epb_user)
    workflow.submit(report, epb_user)
    workflow.verify(report, epb_verifier)
    key = datacache.cache_key("city-cod")
    assert city_cod() == Decimal(10)
    before = cache.get(key)

    # The cycle: unlock, a value changed in the grid, verify. Between its steps the figure
    # is the one from before it, served as it is (no recomputation is under way).
    workflow.unlock(report, administrator, "wrong unit")
    datacache.forget_stale()
    assert city_cod() == Decimal(10)
    assert datacache.stale_since() == before[1] and not datacache.updating()
    report.refresh_from_db()
    workflow.save_report(report, [ValueRow(cod, Decimal(12), "measured")], epb_user)
    assert city_cod() == Decimal(10)
    assert cache.get(key) == before
    # A reader with nothing to show, and a file, are computed from the records as they are,
    # and that is not stored either.
    assert city_cod("city-cod-cold") is None
    assert city_cod(stale_ok=False) is None
    assert cache.get(datacache.cache_key("city-cod-cold")) is None
    assert cache.get(key) == before

    report.refresh_from_db()
    workflow.verify(report, epb_verifier)
    datacache.forget_stale()
    assert city_cod() == Decimal(12)
    assert cache.get(key)[2] == Decimal(12) and datacache.stale_since() is None

    # A correction left open past the hold is the state of the records: figures show it.
    report.refresh_from_db()
    workflow.unlock(report, administrator, "another look")
    assert city_cod() == Decimal(12)
    ReportUnlock.objects.filter(report=report).update(
        unlocked_at=timezone.now() - datetime.timedelta(seconds=61)
    )
    assert city_cod() is None
    assert cache.get(key)[2] is None


@datacache.figure("test-city-cod", depends=("register", "discharge"))
def verified_cod() -> Decimal | None:
    """`city_cod` as a figure that the worker refreshes."""
    from enterprises import ledger

    return ledger.city_total(Pollutant.objects.get(code="COD").pk, 2000)


@pytest.mark.django_db(transaction=True)
def test_the_worker_never_stores_a_correction_in_progress(
    hold, background, administrator, epb_user, epb_verifier
):
    cod = Pollutant.objects.get(code="COD")
    report = make_report(make_enterprise("H2"), 2000, {"COD": "10"}, status="verified")
    key = verified_cod.key((), {})
    assert verified_cod() == Decimal(10)
    before = cache.get(key)
    workflow.unlock(report, administrator, "wrong unit")
    datacache.forget_stale()
    assert verified_cod() == Decimal(10)  # the figure from before the correction
    assert not datacache.updating() and queued() == 0  # and nothing is queued
    report.refresh_from_db()
    workflow.verify(report, epb_verifier)
    datacache.forget_stale()
    assert verified_cod() == Decimal(10)  # verified again: served while it is queued
    assert datacache.updating() and queued() == 1
    # The worker comes late: another correction is half done by then. It stores nothing.
    report.refresh_from_db()
    workflow.unlock(report, administrator, "another look")
    report.refresh_from_db()
    workflow.save_report(report, [ValueRow(cod, Decimal(12), "measured")], epb_user)
    work()
    assert cache.get(key) == before and cache.get(key + ":lock") is None
    report.refresh_from_db()
    workflow.verify(report, epb_verifier)
    assert verified_cod() == Decimal(10) and queued() == 1
    work()
    datacache.forget_stale()
    assert verified_cod() == Decimal(12) and datacache.stale_since() is None


# "Being updated" only while it is ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_being_updated_is_said_only_while_a_figure_is_computed_anew(settings):
    def count():
        return datacache.cached("note", compute=Enterprise.objects.count, depends=("register",))

    settings.BENXI_FIGURES_REFRESH_AFTER = 60
    assert count() == 0
    computed = cache.get(datacache.cache_key("note"))[1]
    make_enterprise("P1")
    datacache.forget_stale()
    assert count() == 0  # computed a moment ago: served as it is, and nobody computes it
    assert datacache.stale_since() == computed and not datacache.updating()
    assert cache.add(datacache.cache_key("note") + ":lock", "other", 60)
    datacache.forget_stale()
    assert count() == 0  # another process is computing it
    assert datacache.stale_since() == computed and datacache.updating()
    datacache.forget_stale()
    assert not datacache.updating()


@pytest.mark.django_db
def test_the_page_says_being_updated_only_while_it_is(client_as, monkeypatch, settings):
    client = client_as("leadership")
    url = reverse("reports:dashboard")
    client.get(url, {"year": 2000})
    make_enterprise("D2")
    settings.BENXI_FIGURES_REFRESH_AFTER = 60  # computed a moment ago: kept a while
    html = client.get(url, {"year": 2000}).content.decode()
    assert "figures-as-of" in html and "figures-updating" not in html
    settings.BENXI_FIGURES_REFRESH_AFTER = 0
    monkeypatch.setattr(datacache, "_take", lambda lock, holder: False)  # others compute
    html = client.get(url, {"year": 2000}).content.decode()
    assert "figures-as-of" in html and "figures-updating" in html
