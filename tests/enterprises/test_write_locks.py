"""Writes of discharge reports: the database's lock on verified reports, and concurrent
writers that neither deadlock nor skip the lock (enterprises/locks.py)."""

import threading
import time
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.test import Client

from benxi_cp import roles
from benxi_cp.bulk import insert_rows
from benxi_cp.importers import get_importer
from enterprises import ledger, locks, workflow
from enterprises.models import (
    AnnualDischarge,
    DischargeReport,
    DischargeValue,
    Enterprise,
    Pollutant,
    ReportLocked,
    ReportUnlock,
    entry_url,
)
from enterprises.workflow import ValueRow

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="real concurrency needs row locks: PostgreSQL only (SQLite writes one at a time)",
)


def refused(sql: str, params: list) -> bool:
    """Whether the database refuses the statement as a change of a locked report."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as error:
        assert locks.is_locked_error(error), error
        return True
    return False


@pytest.fixture
def verified(steel, make_report):
    return make_report(steel, 1999, {"COD": 100, "SO2": 20}, status="verified")


@pytest.mark.django_db
def test_raw_sql_on_a_verified_reports_values_is_refused_by_the_database(verified, pollutants):
    table = DischargeValue._meta.db_table
    cod = verified.values.get(pollutant__code="COD")
    assert refused(f"UPDATE {table} SET amount = 1 WHERE id = %s", [cod.pk])
    assert refused(f"DELETE FROM {table} WHERE id = %s", [cod.pk])
    assert refused(
        f"INSERT INTO {table} (report_id, pollutant_id, amount, basis) VALUES (%s, %s, 5, 'x')",
        [verified.pk, pollutants["NOX"].pk],
    )
    # Moving a value out of a verified report, or into one, is a change of it too.
    draft = DischargeReport.objects.create(enterprise=verified.enterprise, year=2000)
    other = DischargeValue.objects.create(report=draft, pollutant=pollutants["NOX"], amount=1)
    assert refused(f"UPDATE {table} SET report_id = %s WHERE id = %s", [verified.pk, other.pk])
    assert refused(f"UPDATE {table} SET report_id = %s WHERE id = %s", [draft.pk, cod.pk])
    assert list(verified.values.order_by("pollutant__code").values_list("amount", flat=True)) == [
        Decimal(100),
        Decimal(20),
    ]
    # A draft's values are the grid's to change.
    assert not refused(f"UPDATE {table} SET amount = 2 WHERE id = %s", [other.pk])


@pytest.mark.django_db
def test_a_verified_report_keeps_its_data_and_status_without_an_unlock(verified):
    table = DischargeReport._meta.db_table
    for change in ("status = 'submitted'", "year = 1990", "output_10k_yuan = 5"):
        assert refused(f"UPDATE {table} SET {change} WHERE id = %s", [verified.pk])
    assert refused(f"DELETE FROM {table} WHERE id = %s", [verified.pk])
    # Derived data may change: the reliability refresh re-grades verified reports.
    assert not refused(f"UPDATE {table} SET grade = 'C' WHERE id = %s", [verified.pk])
    verified.refresh_from_db()
    assert verified.status == "verified" and verified.year == 1999


@pytest.mark.django_db
def test_bulk_inserts_into_a_verified_report_are_refused(verified, pollutants):
    with pytest.raises(DatabaseError) as caught, transaction.atomic():
        insert_rows(
            DischargeValue,
            ["report_id", "pollutant_id", "amount", "basis"],
            [(verified.pk, pollutants["NOX"].pk, Decimal(1), "estimated")],
        )
    assert locks.is_locked_error(caught.value)
    with pytest.raises(DatabaseError), transaction.atomic():
        DischargeValue.objects.filter(report=verified).update(amount=0)
    assert not verified.values.filter(amount=0).exists()


@pytest.mark.django_db
def test_the_unlock_is_recorded_and_opens_the_report(
    verified, administrator, epb_verifier, pollutants
):
    workflow.unlock(verified, administrator, "a typing error in COD")
    verified.refresh_from_db()
    assert verified.status == "submitted"
    unlock = ReportUnlock.objects.get(report=verified)
    assert unlock.reason == "a typing error in COD" and not unlock.pending
    rows = [ValueRow(pollutants["COD"], Decimal(90), "estimated")]
    workflow.save_report(verified, rows, administrator)
    assert verified.values.get().amount == Decimal(90)
    # An unlock row alone does not open another report: it is consumed by its own.
    workflow.verify(verified, epb_verifier)  # not the administrator, who entered the value
    assert refused(
        f"UPDATE {DischargeReport._meta.db_table} SET status = 'draft' WHERE id = %s",
        [verified.pk],
    )


@pytest.mark.django_db
def test_the_databases_refusal_reaches_the_caller_as_report_locked(verified, pollutants):
    # Past the model's own check (as a writer that read the status before it changed).
    verified.status = "submitted"
    value = DischargeValue(report=verified, pollutant=pollutants["NOX"], amount=1)
    with pytest.raises(ReportLocked):
        locks.run_in_transaction(lambda: DischargeValue.objects.bulk_create([value]))


@pytest.mark.django_db
def test_the_admin_bulk_delete_keeps_the_ledger_and_refuses_verified(
    client, steel, make_report, verified
):
    admin = User.objects.create_superuser("root", password="x")
    client.force_login(admin)
    draft = make_report(steel, 1998, {"COD": 7})
    ledger.refresh({(steel.pk, 1998)})
    assert AnnualDischarge.objects.filter(year=1998).exists()  # a provisional figure
    url = "/admin/enterprises/dischargereport/"
    data = {"action": "delete_selected", "_selected_action": [draft.pk, verified.pk], "post": "yes"}
    # A verified report among the chosen: refused, nothing deleted.
    assert client.post(url, data).status_code == 403
    assert DischargeReport.objects.filter(pk__in=[draft.pk, verified.pk]).count() == 2
    data["_selected_action"] = [draft.pk]
    assert client.post(url, data).status_code == 302
    assert not DischargeReport.objects.filter(pk=draft.pk).exists()
    assert not AnnualDischarge.objects.filter(year=1998).exists()


def figures(enterprise) -> dict[tuple[int, str], tuple]:
    return {
        (row.year, row.pollutant.code): (row.amount, row.basis, row.verified)
        for row in AnnualDischarge.objects.filter(enterprise=enterprise).select_related("pollutant")
    }


@pytest.mark.django_db
def test_the_admin_add_change_and_delete_keep_the_ledger(client, steel, pollutants):
    client.force_login(User.objects.create_superuser("root", password="x"))
    url = "/admin/enterprises/dischargereport/"
    data = {
        "enterprise": steel.pk,
        "year": 2000,
        "period_kind": "Y",
        "period_number": 0,
        "values-TOTAL_FORMS": 1,
        "values-INITIAL_FORMS": 0,
        "values-0-pollutant": pollutants["COD"].pk,
        "values-0-amount": "70",
        "values-0-basis": "estimated",
    }
    assert client.post(f"{url}add/", data).status_code == 302
    report = DischargeReport.objects.get()
    assert figures(steel) == {(2000, "COD"): (Decimal(70), "Y", False)}
    value = report.values.get()
    data.update(
        {
            "values-INITIAL_FORMS": 1,
            "values-0-id": value.pk,
            "values-0-report": report.pk,
            "values-0-amount": "75",
        }
    )
    assert client.post(f"{url}{report.pk}/change/", data).status_code == 302
    assert figures(steel) == {(2000, "COD"): (Decimal(75), "Y", False)}
    data["values-0-DELETE"] = "on"  # an inline deletion
    assert client.post(f"{url}{report.pk}/change/", data).status_code == 302
    assert figures(steel) == {}
    data.pop("values-0-DELETE")
    data.update({"values-TOTAL_FORMS": 1, "values-INITIAL_FORMS": 0, "values-0-id": ""})
    assert client.post(f"{url}{report.pk}/change/", data).status_code == 302
    assert figures(steel) == {(2000, "COD"): (Decimal(75), "Y", False)}
    assert client.post(f"{url}{report.pk}/delete/", {"post": "yes"}).status_code == 302
    assert figures(steel) == {} and not DischargeReport.objects.exists()


# -- concurrency (PostgreSQL) -------------------------------------------------------------


def in_threads(count: int, work) -> list[BaseException]:
    """Run work(index) in `count` threads at once, each with its own connection."""
    errors: list[BaseException] = []
    start = threading.Barrier(count)

    def run(index: int) -> None:
        try:
            start.wait()
            work(index)
        except BaseException as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.fixture
def two_enterprises(db):
    return [
        Enterprise.objects.create(code=f"C-{n}", name=f"并发{n}", sector="iron_steel")
        for n in (1, 2)
    ]


def create_reports(enterprises) -> None:
    """Each enterprise's 2000 annual and quarterly reports, empty drafts."""
    for enterprise in enterprises:
        for kind, number in [("Y", 0), *[("Q", q) for q in range(1, 5)]]:
            DischargeReport.objects.create(
                enterprise=enterprise, year=2000, period_kind=kind, period_number=number
            )


def period_of(index: int) -> tuple[str, int]:
    return ("Y", 0) if index % 4 == 0 else ("Q", index % 4)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_eight_writers_of_the_same_enterprises_neither_deadlock_nor_fail(two_enterprises):
    user = User.objects.create_superuser("writer", password="x")
    catalogue = {p.code: p for p in Pollutant.objects.filter(code__in=["COD", "SO2"])}
    create_reports(two_enterprises)  # the saves update each other's reports

    def work(index: int) -> None:
        for round_ in range(5):
            kind, number = period_of(index + round_)
            report = DischargeReport.objects.get(
                enterprise=two_enterprises[index % 2],
                year=2000,
                period_kind=kind,
                period_number=number,
            )
            rows = [
                ValueRow(p, Decimal(index * 10 + round_), "estimated") for p in catalogue.values()
            ]
            workflow.save_report(report, rows, user)

    assert in_threads(8, work) == []
    stored = {
        (r.enterprise_id, r.year, r.pollutant_id): ledger.Entry(r.amount, r.basis, r.verified)
        for r in AnnualDischarge.objects.all()
    }
    assert stored == ledger.compute() and stored


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_eight_users_saving_through_the_grid_get_no_server_error(two_enterprises):
    users = []
    for n in range(8):
        user = User.objects.create_user(f"epb-{n}", password="x")
        user.groups.add(Group.objects.get(name=roles.EPB_STAFF))
        users.append(user)
    cod = Pollutant.objects.get(code="COD")
    create_reports(two_enterprises)
    statuses: list[int] = []

    def work(index: int) -> None:
        client = Client()
        client.force_login(users[index])
        for round_ in range(4):
            kind, number = period_of(index + round_)
            period = "Y" if kind == "Y" else f"Q{number}"
            url = entry_url(two_enterprises[index % 2].pk, 2000, period)
            data = {
                "action": "save",
                "rows-TOTAL_FORMS": "1",
                "rows-INITIAL_FORMS": "0",
                "rows-0-pollutant": str(cod.pk),
                "rows-0-amount": str(100 + index),
                "rows-0-basis": "estimated",
            }
            statuses.append(client.post(url, data).status_code)

    assert in_threads(8, work) == []
    assert statuses == [302] * 32  # every save saved: no server error, no "try again"


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_an_import_racing_a_verification_never_writes_into_the_verified_report(steel):
    user = User.objects.create_superuser("epb-boss", password="x")
    cod = Pollutant.objects.get(code="COD")
    report = DischargeReport.objects.create(enterprise=steel, year=2000, status="submitted")
    DischargeValue.objects.create(report=report, pollutant=cod, amount=100)
    content = f"enterprise_code,year,period,pollutant,amount\n{steel.code},2000,Y,COD,555\n"
    results = []

    def importing() -> None:
        try:
            results.append(get_importer("discharge")(user=user).run(content.encode(), "r.csv"))
        finally:
            connections.close_all()

    with transaction.atomic():
        workflow.verify(report, user)  # holds the reports' lock until this block ends
        thread = threading.Thread(target=importing)
        thread.start()
        waited = False
        for _attempt in range(200):  # until the import waits for the lock
            with connection.cursor() as cursor:
                # pg_locks, not pg_stat_activity: that one is a snapshot per transaction.
                cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
                if cursor.fetchone()[0]:
                    waited = True
                    break
            time.sleep(0.05)
        assert waited, (results, thread.is_alive())
    thread.join()
    [result] = results
    assert not result.ok
    # Refused as any row touching a verified report is (the message is in the thread's
    # language): the import read the status after the verification, under the lock.
    assert [issue.column for issue in result.errors] == ["period"]
    report.refresh_from_db()
    assert report.status == "verified" and report.values.get().amount == Decimal(100)
    assert not ReportUnlock.objects.exists()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_users_creating_the_same_report_at_once_get_one_saved_and_try_again(steel):
    user = User.objects.create_superuser("creator", password="x")
    cod = Pollutant.objects.get(code="COD")
    outcomes: list[str] = []

    def work(index: int) -> None:
        report = DischargeReport(enterprise=steel, year=2000)  # each user's new report
        try:
            workflow.save_report(report, [ValueRow(cod, Decimal(index), "estimated")], user)
        except locks.WriteConflict:
            outcomes.append("try again")
        else:
            outcomes.append("saved")

    assert in_threads(8, work) == []  # no IntegrityError, no other error
    assert sorted(outcomes) == ["saved"] + ["try again"] * 7
    assert DischargeReport.objects.get().values.count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_import_that_collides_runs_once_more_and_a_verified_report_can_be_flushed(
    steel, make_report, monkeypatch
):
    # transaction=True: the run is the outermost transaction, as on the web; and the test's
    # teardown flushes a database holding a verified report (SQLite: row by row).
    make_report(steel, 1999, {"COD": 1}, status="verified")
    importer = get_importer("discharge")
    finish = importer.finish
    calls = []

    def colliding(self, result):
        calls.append(1)
        if len(calls) == 1:  # as when another user created the same report meanwhile
            raise IntegrityError("UNIQUE constraint failed: enterprises_dischargereport")
        return finish(self, result)

    monkeypatch.setattr(importer, "finish", colliding)
    content = f"enterprise_code,year,period,pollutant,amount\n{steel.code},2000,Y,COD,5\n"
    result = importer(user=None).run(content.encode(), "again.csv")
    assert result.ok and result.created == 1 and len(calls) == 2
    assert DischargeReport.objects.get(year=2000).values.get().amount == Decimal(5)
