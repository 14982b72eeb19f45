"""Monitoring values: the database's rules, the import of docs/formats/monitoring.md with each
of its refusals, the EPB's grid, the list and the API's read."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from api.models import ApiToken
from benxi_cp import roles
from benxi_cp.importers import get_importer
from enterprises.models import Pollutant
from permits.models import MonitoringValue
from reports.models import YearClosing
from tests.fixtures import ALL_ROLES, FORMATS_DIR
from tests.reports.factories import make_enterprise

BASE = 6  # session, user, the user's groups (role), user permissions, group permissions, demo flag
HEADER = "enterprise_code,outlet,pollutant,measured_at,basis,value,unit,below_detection,method\n"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def demo(db):
    """DEMO-0001 with the sample permit (COD daily at DW001; SO2 and SOOT hourly at DA001)."""
    enterprise = make_enterprise("DEMO-0001")
    result = get_importer("permits")().run(
        (FORMATS_DIR / "permits.sample.csv").read_bytes(), "permits.csv"
    )
    assert result.ok
    return enterprise


def run(text: str, dry_run: bool = False, user=None):
    return get_importer("monitoring")(user=user).run(
        text.encode("utf-8"), "monitoring.csv", dry_run=dry_run
    )


def errors(result) -> list[str]:
    return [str(issue) for issue in result.errors]


@pytest.mark.django_db
def test_the_database_refuses_bad_values(demo):
    cod = Pollutant.objects.get(code="COD")
    good = {
        "enterprise": demo,
        "outlet": "DW001",
        "pollutant": cod,
        "basis": "daily_mean",
        "measured_on": datetime.date(2001, 1, 3),
        "value": Decimal("5"),
    }
    MonitoringValue.objects.create(**good)
    for change in (
        {},  # the same day twice
        {"measured_on": datetime.date(2001, 1, 4), "hour": 3},  # a daily mean with an hour
        {"measured_on": datetime.date(2001, 1, 4), "basis": "hourly_mean"},  # no hour
        {"measured_on": datetime.date(2001, 1, 4), "basis": "hourly_mean", "hour": 24},
        {"measured_on": datetime.date(2001, 1, 4), "value": Decimal("-1")},
        {"measured_on": datetime.date(2001, 1, 4), "method": "guessed"},
        {"measured_on": datetime.date(2001, 1, 4), "outlet": ""},
        {"measured_on": datetime.date(1900, 1, 4)},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            MonitoringValue.objects.create(**(good | change))
    # Hourly means of the same day at different hours are fine.
    for hour in (0, 23):
        MonitoringValue.objects.create(**(good | {"basis": "hourly_mean", "hour": hour}))


@pytest.mark.django_db
def test_the_sample_imports(demo, epb_user):
    result = run((FORMATS_DIR / "monitoring.sample.csv").read_text(encoding="utf-8"), user=epb_user)
    assert result.ok, errors(result)
    assert result.created == 4
    soot = MonitoringValue.objects.get(pollutant__code="SOOT")
    assert (soot.measured_on, soot.hour, soot.below_detection, soot.method) == (
        datetime.date(2001, 1, 15),
        9,
        True,
        "manual",
    )
    assert soot.measured_at_text == "2001-01-15 09:00"
    assert soot.created_by == epb_user
    so2 = MonitoringValue.objects.get(pollutant__code="SO2")
    assert (so2.value, so2.method, so2.below_detection) == (Decimal("790"), "automatic", False)


@pytest.mark.django_db
def test_importing_a_value_again_replaces_it(demo):
    assert run(HEADER + "DEMO-0001,DW001,COD,2001-01-03,daily_mean,86.5,,,\n").ok
    result = run(HEADER + "DEMO-0001,DW001,COD,2001-01-03,daily_mean,90,mg/L,yes,enforcement\n")
    assert (result.created, result.updated) == (0, 1)
    value = MonitoringValue.objects.get()
    assert (value.value, value.below_detection, value.method) == (
        Decimal("90"),
        True,
        "enforcement",
    )


REFUSED = [
    (
        "DEMO-0001,DW009,COD,2001-01-03,daily_mean,1,,,\n",
        "row 2, outlet: the permit in force on 2001-01-03 has no outlet “DW009”; "
        "it has DA001, DW001",
    ),
    (
        "DEMO-0001,DW001,COD,2000-12-31,daily_mean,1,,,\n",
        "row 2, measured_at: the enterprise has no permit in force on 2000-12-31",
    ),
    (
        "DEMO-0001,DW001,COD,2001-01-03,daily_mean,1,mg/m3,,\n",
        "row 2, unit: the outlet DW001 measures in mg/L, not “mg/m3”",
    ),
    (
        "DEMO-0001,DW001,NH3N,2001-01-03,daily_mean,1,,,\n",
        "row 2, pollutant: the permit sets no limit of NH3N at DW001",
    ),
    (
        "DEMO-0001,DA001,SO2,2001-01-03 10:30,hourly_mean,1,,,\n",
        "row 2, measured_at: an hourly mean is measured in an hour: YYYY-MM-DD HH:00",
    ),
    (
        "DEMO-0001,DW001,COD,2001-01-03 10:00,daily_mean,1,,,\n",
        "row 2, measured_at: a daily mean is measured on a day: YYYY-MM-DD",
    ),
    (
        "DEMO-0001,DW001,COD,2001-01-03,daily_mean,-1,,,\n",
        "row 2, value: a concentration cannot be negative",
    ),
    (
        "DEMO-0001,DW001,COD,2001-01-03,daily_mean,1,,perhaps,\n",
        "row 2, below_detection: “perhaps” is not yes or no",
    ),
    (
        "DEMO-0001,DW001,COD,2001-01-03,daily_mean,1,,,guessed\n",
        "row 2, method: “guessed” is not one of the codes",
    ),
    (
        "DEMO-0001,DW001,COD,1901-01-03,daily_mean,1,,,\n",
        "row 2, measured_at: The date must lie between 1949 and 2100.",
    ),
    (
        "DEMO-0001,DW001,COD,2001-01-03,annual_total,1,,,\n",
        "row 2, basis:",
    ),
    (
        "DEMO-0001,DW001,COD,2001-01-03,daily_mean,1,,,\n"
        "DEMO-0001,dw001,COD,2001-01-03,daily_mean,2,,,\n",
        "row 3, measured_at: the same enterprise, outlet, pollutant, basis and time as row 2",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("rows", "expected"), REFUSED)
def test_each_refusal_of_the_format_names_its_row_and_column(demo, rows, expected):
    result = run(HEADER + rows)
    assert not result.ok
    assert any(line.startswith(expected) for line in errors(result)), errors(result)
    assert not MonitoringValue.objects.exists()


@pytest.mark.django_db
def test_a_value_in_a_closed_year_is_refused(demo):
    YearClosing.objects.create(year=2001, closed_at=timezone.now(), closed_by_name="x")
    result = run(HEADER + "DEMO-0001,DW001,COD,2001-01-03,daily_mean,1,,,\n")
    assert errors(result) == [
        "row 2, measured_at: the year 2001 is closed: its values cannot change until the "
        "programme office reopens it"
    ]


@pytest.mark.django_db
def test_a_large_file_is_all_or_nothing(demo):
    lines = []
    for n in range(24 * 60):
        moment = datetime.datetime(2001, 1, 1) + datetime.timedelta(hours=n)
        lines.append(
            f"DEMO-0001,DA001,SO2,{moment:%Y-%m-%d %H:%M},hourly_mean,{n % 900},,,automatic"
        )
    lines[-1] = lines[-1].replace("DA001", "DA002")  # the last row refused: nothing written
    result = run(HEADER + "\n".join(lines) + "\n")
    assert [issue.row for issue in result.errors] == [len(lines) + 1]
    assert not MonitoringValue.objects.exists()
    lines.pop()
    result = run(HEADER + "\n".join(lines) + "\n")
    assert result.ok and result.created == 24 * 60 - 1
    assert MonitoringValue.objects.count() == 24 * 60 - 1


@pytest.mark.django_db
def test_ten_times_the_rows_take_the_same_queries(demo, epb_user):
    """Set-based: the rows are checked in memory against what a few queries loaded and
    written in bulk statements (a few thousand rows each), whatever their number."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def days(first: datetime.date, count: int) -> str:
        return HEADER + "".join(
            f"DEMO-0001,DW001,COD,{first + datetime.timedelta(days=n)},daily_mean,{n}.5,,,\n"
            for n in range(count)
        )

    counts = []
    for first, count in ((datetime.date(2001, 1, 1), 10), (datetime.date(2001, 3, 1), 60)):
        with CaptureQueriesContext(connection) as captured:
            result = run(days(first, count), user=epb_user)
        assert result.ok and result.created == count, errors(result)
        counts.append(len(captured))
    assert counts[0] == counts[1]
    assert MonitoringValue.objects.count() == 70


# -- the grid -----------------------------------------------------------------------------
def grid_post(enterprise, rows, **series) -> dict:
    data = {
        "enterprise": enterprise.code,
        "outlet": "dw001",
        "pollutant": "COD",
        "basis": "daily_mean",
        "method": "manual",
        "rows-TOTAL_FORMS": str(len(rows)),
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "1000",
    }
    for n, (measured_at, value) in enumerate(rows):
        data[f"rows-{n}-measured_at"] = measured_at
        data[f"rows-{n}-value"] = value
    data.update(series)
    return data


@pytest.mark.django_db
def test_the_grid_opens_a_month_with_its_stored_values_and_saves_it(client_as, demo):
    assert run(HEADER + "DEMO-0001,DW001,COD,2001-02-03,daily_mean,86.5,,,\n").ok
    client = client_as("epb_staff")
    url = reverse("permits:monitoring_entry")
    page = client.get(
        url,
        {
            "enterprise": demo.pk,
            "outlet": "DW001",
            "pollutant": "COD",
            "basis": "daily_mean",
            "month": "2001-02",
        },
    )
    rows = page.context["formset"].initial
    assert len(rows) == 28
    assert rows[2] == {
        "measured_at": "2001-02-03",
        "value": Decimal("86.5"),
        "below_detection": False,
    }
    response = client.post(
        url, grid_post(demo, [("2001-02-01", "40"), ("2001-02-02", ""), ("2001-02-03", "88")])
    )
    assert response.status_code == 302, (
        response.context["series"].errors,
        response.context["formset"].errors,
    )
    values = dict(MonitoringValue.objects.values_list("measured_on__day", "value"))
    assert values == {1: Decimal("40"), 3: Decimal("88")}


@pytest.mark.django_db
def test_the_grid_shows_the_refusals_on_their_rows(client_as, demo):
    client = client_as("epb_staff")
    response = client.post(
        reverse("permits:monitoring_entry"),
        grid_post(demo, [("2001-02-01", "40"), ("2000-02-02", "41")]),
    )
    assert response.status_code == 200
    formset = response.context["formset"]
    assert not formset.forms[0].errors
    assert "许可证" in formset.forms[1].errors["measured_at"][0]  # the page speaks Chinese
    response = client.post(
        reverse("permits:monitoring_entry"),
        grid_post(demo, [("2001-02-01", "40")], outlet="DW007"),
    )
    assert "outlet" in response.context["series"].errors
    assert not MonitoringValue.objects.exists()


# -- list, access, API --------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_sees_and_who_enters_monitoring(client_as, demo, role):
    client = client_as(role)
    reads = role != "auditor"
    writes = role in ("administrator", "epb_staff")
    assert client.get(reverse("permits:monitoring")).status_code == (200 if reads else 403)
    assert client.get(reverse("permits:monitoring_entry")).status_code == (200 if writes else 403)
    assert client.get(reverse("import", args=["monitoring"])).status_code == (
        200 if writes else 403
    )


@pytest.mark.django_db
@pytest.mark.parametrize("days", [2, 30])
def test_the_list_runs_a_fixed_number_of_queries(client_as, demo, django_assert_num_queries, days):
    lines = [
        f"DEMO-0001,DW001,COD,2001-03-{day:02d},daily_mean,{day},,,\n" for day in range(1, days + 1)
    ]
    assert run(HEADER + "".join(lines)).ok
    client = client_as("leadership")
    # BASE, the pollutants of the filter, the count of rows, the page of values with their
    # enterprises and pollutants.
    with django_assert_num_queries(BASE + 3):
        response = client.get(reverse("permits:monitoring"))
    assert response.status_code == 200
    assert response.context["table"].paginator.count == days
    filtered = client.get(reverse("permits:monitoring"), {"outlet": "dw001", "year": 2001})
    assert filtered.context["table"].paginator.count == days
    assert (
        client.get(reverse("permits:monitoring"), {"month": 4}).context["table"].paginator.count
        == 0
    )


@pytest.mark.django_db
def test_the_api_reads_the_values_with_the_lists_filters(client, demo, make_user):
    assert run((FORMATS_DIR / "monitoring.sample.csv").read_text(encoding="utf-8")).ok
    _token, key = ApiToken.issue(make_user(roles.LEADERSHIP, "reader"), "reader")
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"}
    response = client.get("/api/v1/monitoring/", {"pollutant": "SOOT"}, **headers)
    assert response.status_code == 200
    [value] = response.json()["results"]
    assert value["enterprise_code"] == "DEMO-0001"
    assert (value["outlet"], value["pollutant"], value["basis"]) == ("DA001", "SOOT", "hourly_mean")
    assert (value["measured_at"], value["below_detection"]) == ("2001-01-15 09:00", True)
    _token, key = ApiToken.issue(make_user(roles.AUDITOR, "auditor-api"), "auditor")
    refused = client.get("/api/v1/monitoring/", HTTP_AUTHORIZATION=f"Token {key}")
    assert refused.status_code == 403


# -- large files and the command line ---------------------------------------------------------
@pytest.mark.django_db
def test_a_large_file_is_checked_then_imported_in_the_background(
    client_as, demo, settings, django_capture_on_commit_callbacks
):
    from benxi_cp.models import Job

    settings.BENXI_IMPORT_BACKGROUND_BYTES = 10  # this file is "large"
    lines = [
        f"DEMO-0001,DA001,SO2,2001-02-{1 + n // 24:02d} {n % 24:02d}:00,hourly_mean,{n},,,automatic"
        for n in range(24 * 10)
    ]
    file = io.BytesIO((HEADER + "\n".join(lines) + "\n").encode())
    file.name = "so2.csv"
    client = client_as("epb_staff")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("import", args=["monitoring"]), {"file": file})
    job = Job.objects.get()
    assert response.url == reverse("job", args=[job.pk])
    assert (job.status, job.total, job.result["created"]) == (Job.Status.CHECKED, 240, 240)
    assert not MonitoringValue.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("job", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (Job.Status.DONE, 240, 240)
    assert MonitoringValue.objects.count() == 240


@pytest.mark.django_db
def test_import_data_takes_permits_and_monitoring_from_the_command_line(db, tmp_path):
    make_enterprise("DEMO-0001")
    out = io.StringIO()
    call_command("import_data", "permits", str(FORMATS_DIR / "permits.sample.csv"), stdout=out)
    assert "created 5, updated 0" in out.getvalue()
    out = io.StringIO()
    call_command(
        "import_data", "monitoring", str(FORMATS_DIR / "monitoring.sample.csv"), stdout=out
    )
    assert "created 4, updated 0" in out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["permits", "monitoring"])
def test_each_importer_accepts_exactly_the_columns_its_format_lists(kind):
    lines = (FORMATS_DIR / f"{kind}.md").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| column |"))
    columns = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        columns.append(line.strip("|").split("|")[0].strip())
    assert columns == list(get_importer(kind)().columns)
    sample = (FORMATS_DIR / f"{kind}.sample.csv").read_text(encoding="utf-8")
    assert sample.splitlines()[0].split(",") == columns
