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
from benxi_cp import datacache, guards
from benxi_cp.bulk import insert_rows
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
from reports import annual, dashboards, figures
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
    # No figure reads the flags; history tables bump nothing.
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


@pytest.fixture
def background(settings, shared_cache):
    """The refresh mode of production: stale figures are recomputed by a thread, which sees
    committed data only (hence transaction=True tests)."""
    settings.BENXI_FIGURES_REFRESH = "background"
    cache.clear()
    yield
    assert datacache.wait_for_refreshes(60)
    cache.clear()


@pytest.mark.django_db(transaction=True)
def test_a_stale_figure_is_served_at_once_and_refreshed_by_a_thread(background, monkeypatch):
    calls, started, release = [], threading.Event(), threading.Event()

    def compute():
        calls.append(translation.get_language())
        if len(calls) > 1:  # the refresh: held until the stale value has been served
            started.set()
            assert release.wait(60)
        return (Enterprise.objects.count(), translation.get_language())

    def count():
        return datacache.cached("bg", compute=compute, depends=("register",))

    with translation.override("en"):
        key = datacache.cache_key("bg")
        assert count() == (0, "en")
        computed = cache.get(key)[1]
        make_enterprise("B1")  # committed: the entry is stale
        datacache.forget_stale()
        assert count() == (0, "en")  # served by the request that took the lock
        assert datacache.stale_since() == computed
        assert started.wait(60)  # the thread computes meanwhile, holding the lock
        assert cache.get(key + ":lock") is not None
        assert count() == (0, "en")  # another reader: the stale value too
        release.set()
        assert datacache.wait_for_refreshes(60)
        assert cache.get(key + ":lock") is None
        datacache.forget_stale()
        assert count() == (1, "en")  # computed by the thread, in the request's language
        assert datacache.stale_since() is None
    assert calls == ["en", "en"]


@pytest.mark.django_db(transaction=True)
def test_a_failed_background_refresh_is_logged_and_retried(background, caplog):
    fail = [False]

    def compute():
        if fail[0]:
            raise RuntimeError("the figure cannot be computed")
        return Enterprise.objects.count()

    def count():
        return datacache.cached("bg-fail", compute=compute, depends=("register",))

    key = datacache.cache_key("bg-fail")
    assert count() == 0
    make_enterprise("E1")
    fail[0] = True
    assert count() == 0  # the stale value; the thread fails
    assert datacache.wait_for_refreshes(60)
    assert "the figure cannot be computed" in caplog.text
    assert any(r.levelname == "ERROR" and r.exc_info for r in caplog.records)
    assert cache.get(key + ":lock") is None  # released
    fail[0] = False
    assert count() == 0  # still stale: the next reader takes the lock and retries
    assert datacache.wait_for_refreshes(60)
    assert count() == 1


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
    # figure, which is computed in the request too, never served stale nor left to a thread.
    assert download() == ("file", 1)
    assert datacache.stale_since() is None
    assert not datacache._refreshes
    assert inner() == 1


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
