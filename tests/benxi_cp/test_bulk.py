"""benxi_cp/bulk.py: plain tuples in (COPY on PostgreSQL, multi-row INSERT elsewhere)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from benxi_cp.bulk import insert_history, insert_rows, tracked_columns
from enterprises.models import DischargeReport, DischargeValue, Enterprise, ReliabilityFlag

AWKWARD = "tab\there, new\nline, back\\slash, \\N, 引号“”, carriage\rreturn"


@pytest.fixture
def report(db):
    enterprise = Enterprise.objects.create(code="B-1", name="测试厂", sector="iron_steel")
    return DischargeReport.objects.create(enterprise=enterprise, year=2100)


@pytest.mark.django_db
def test_rows_go_in_with_their_keys_in_order(report):
    rows = [(report.pk, pk, Decimal(f"{pk}.125"), "calculated") for pk in (3, 1, 2)]
    keys = insert_rows(
        DischargeValue, ["report_id", "pollutant_id", "amount", "basis"], rows, returning=True
    )
    assert len(set(keys)) == 3
    stored = {
        value.pk: (value.report_id, value.pollutant_id, value.amount, value.basis)
        for value in DischargeValue.objects.all()
    }
    assert [stored[key] for key in keys] == rows
    # The sequence moved past the keys taken: the ORM's next row gets a fresh one.
    fresh = DischargeValue.objects.create(report=report, pollutant_id=4, amount=1)
    assert fresh.pk not in keys


@pytest.mark.django_db
def test_text_json_nulls_datetimes_and_constants_survive(report):
    when = timezone.make_aware(datetime.datetime(2001, 2, 3, 4, 5, 6, 789000), datetime.UTC)
    params = {"text": AWKWARD, "count": 3, "nested": [1, "二"]}
    rows = [
        (report.pk, None, None, "missing", "warning", params),
        (report.pk, None, 2, "outlier", "serious", {}),
    ]
    insert_rows(
        ReliabilityFlag,
        ["report_id", "value_id", "pollutant_id", "code", "severity", "params"],
        rows,
        constants={"created": when},
    )
    flags = list(ReliabilityFlag.objects.order_by("code"))
    assert [(f.value_id, f.pollutant_id, f.code, f.params) for f in flags] == [
        (None, None, "missing", params),
        (None, 2, "outlier", {}),
    ]
    assert {f.created for f in flags} == {when}
    keys = insert_rows(
        DischargeReport,
        ["enterprise_id", "year", "return_reason", "created", "updated"],
        [(report.enterprise_id, 2001, "plain", when, when)]
        + [(report.enterprise_id, 2002, AWKWARD, when, when)],
        constants={"status": "draft", "period_kind": "Y", "period_number": 0, "grade": ""},
        returning=True,
    )
    reasons = dict(DischargeReport.objects.values_list("pk", "return_reason"))
    assert [reasons[key] for key in keys] == ["plain", AWKWARD]


@pytest.mark.django_db
def test_many_rows_go_in_several_statements(report):
    rows = [
        (report.enterprise_id, year, "", timezone.now(), timezone.now())
        for year in range(1950, 2099)
    ]
    keys = insert_rows(
        DischargeReport,
        ["enterprise_id", "year", "return_reason", "created", "updated"],
        rows,
        constants={"status": "submitted", "period_kind": "Y", "period_number": 0, "grade": ""},
        returning=True,
    )
    years = dict(DischargeReport.objects.filter(pk__in=keys).values_list("pk", "year"))
    assert [years[key] for key in keys] == list(range(1950, 2099))


@pytest.mark.django_db
def test_history_rows_copy_the_tracked_columns(report, epb_user):
    when = timezone.now()
    columns = ["id", "report_id", "pollutant_id", "amount", "basis"]
    assert set(tracked_columns(DischargeValue)) == set(columns)
    insert_history(
        DischargeValue,
        columns,
        [(41, report.pk, 1, Decimal("2.5"), "estimated")],
        history_type="+",
        user=epb_user,
        date=when,
    )
    entry = DischargeValue.history.get()
    assert (entry.id, entry.report_id, entry.pollutant_id, entry.amount, entry.basis) == (
        41,
        report.pk,
        1,
        Decimal("2.5"),
        "estimated",
    )
    assert (entry.history_type, entry.history_user, entry.history_date) == ("+", epb_user, when)
    assert entry.history_change_reason is None
    with pytest.raises(ValueError, match="needs"):
        insert_history(
            DischargeValue, columns[:-1], [(1, 1, 1, 1)], history_type="+", user=None, date=when
        )


@pytest.mark.django_db(transaction=True)
def test_a_refused_row_raises_djangos_integrity_error(report):
    from django.db import IntegrityError, transaction

    columns = ["enterprise_id", "year", "return_reason", "created", "updated"]
    row = (report.enterprise_id, report.year, "", timezone.now(), timezone.now())
    constants = {"status": "draft", "period_kind": "Y", "period_number": 0, "grade": ""}
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(DischargeReport, columns, [row], constants=constants)
    assert DischargeReport.objects.count() == 1
