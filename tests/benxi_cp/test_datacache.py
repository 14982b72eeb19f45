"""Cached figures follow the records: every way of writing a data table bumps the version."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import translation

from audits.models import Option
from benxi_cp import datacache
from benxi_cp.bulk import insert_rows
from enterprises.models import DischargeValue, Enterprise
from reports.summary import programme_summary
from targets.models import Department
from tests.reports.factories import make_enterprise, make_report


def test_every_data_table_is_watched():
    tables = datacache.data_tables()
    for expected in (
        Enterprise._meta.db_table,
        Enterprise.history.model._meta.db_table,
        DischargeValue._meta.db_table,
        Option._meta.db_table,
        Department._meta.db_table,
    ):
        assert expected in tables
    assert datacache.TABLE not in tables


@pytest.mark.django_db
def test_each_data_table_carries_the_trigger():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname = %s",
                [datacache.TRIGGER],
            )
        else:
            cursor.execute(
                "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE %s",
                [f"{datacache.TRIGGER}%"],
            )
        watched = {row[0] for row in cursor.fetchall()}
    assert watched == set(datacache.data_tables())


@pytest.mark.django_db
def test_every_kind_of_write_bumps_the_version():
    def bumps(write) -> bool:
        before = datacache.current()
        write()
        return datacache.current() > before

    enterprise = make_enterprise("V1")
    report = make_report(enterprise, 2000, {"COD": "10"}, status="submitted")
    value = report.values.get()
    assert bumps(lambda: make_enterprise("V2"))  # save() with history
    assert bumps(lambda: Enterprise.objects.filter(code="V2").update(district="x"))
    assert bumps(lambda: DischargeValue.objects.filter(pk=value.pk).update(amount=Decimal(3)))
    assert bumps(lambda: Department.objects.bulk_create([Department(code="d9", name="部门")]))
    assert bumps(lambda: Department.objects.filter(code="d9").delete())

    def raw_sql():
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Enterprise._meta.db_table} SET district = %s WHERE code = %s",
                ["y", "V1"],
            )

    assert bumps(raw_sql)
    # The importers' writer: COPY on PostgreSQL, multi-row INSERT elsewhere.
    columns = ["code", "name", "name_en", "duties", "duties_en"]
    assert bumps(lambda: insert_rows(Department, columns, [("d8", "部门", "", "", "")]))
    assert not bumps(lambda: list(Enterprise.objects.all()))  # reading is not a change


@pytest.mark.django_db
def test_a_rolled_back_change_leaves_the_version():
    make_enterprise("V1")
    before = datacache.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        make_enterprise("V2")
        raise RuntimeError
    assert datacache.current() == before


@pytest.mark.django_db
def test_a_cached_value_is_computed_again_only_after_a_change():
    calls = []

    def compute():
        calls.append(1)
        return Enterprise.objects.count()

    assert datacache.cached("test", 1, compute=compute) == 0
    assert datacache.cached("test", 1, compute=compute) == 0
    assert len(calls) == 1
    assert datacache.cached("test", 2, compute=compute) == 0  # other parts, other value
    make_enterprise("V1")
    assert datacache.cached("test", 1, compute=compute) == 1
    assert len(calls) == 3
    # The entry was replaced, not joined by another: one entry per figure.
    assert cache.get(datacache.cache_key("test", 1)) == (datacache.current(), 1)


@pytest.mark.django_db
def test_the_language_is_part_of_the_key():
    with translation.override("en"):
        english = datacache.cache_key("test", 1)
    with translation.override("zh-hans"):
        chinese = datacache.cache_key("test", 1)
    assert english != chinese


@pytest.mark.django_db
def test_the_summary_follows_a_bulk_update_of_the_register():
    make_enterprise("V1", slm=False)
    assert programme_summary(2000).state_large_medium_total == 0
    Enterprise.objects.update(state_large_medium=True)  # no save(), no signal
    assert programme_summary(2000).state_large_medium_total == 1
