"""Discharge permits: the database's rules, the import of docs/formats/permits.md with each of
its refusals, versions, the pages (list, detail, form, earlier version) and the enterprise
page's panel."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from benxi_cp import refusals
from benxi_cp.importers import get_importer
from enterprises.models import Pollutant
from permits import issuing
from permits.models import Limit, MonitoringValue, Outlet, Permit, PermitRevision
from reports.closed import YearClosed
from reports.models import YearClosing
from tests.fixtures import ALL_ROLES, FORMATS_DIR
from tests.reports.factories import make_enterprise

BASE = 6  # session, user, the user's groups (role), user permissions, group permissions, demo flag
HEADER = (
    "permit_no,enterprise_code,valid_from,valid_to,outlet,outlet_kind,pollutant,basis,limit,"
    "unit,monitoring\n"
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def demo(db):
    return make_enterprise("DEMO-0001")


def run(text: str, dry_run: bool = False, user=None):
    return get_importer("permits")(user=user).run(
        text.encode("utf-8"), "permits.csv", dry_run=dry_run
    )


def errors(result) -> list[str]:
    return [str(issue) for issue in result.errors]


def sample() -> str:
    return (FORMATS_DIR / "permits.sample.csv").read_text(encoding="utf-8")


def make_permit(enterprise, number="P1", first="2001-01-01", last="2005-12-31", rows=None):
    rows = rows or [("DW001", "water", "COD", "daily_mean", "100", "mg/L", "daily")]
    pollutants = {p.code: p for p in Pollutant.objects.all()}
    data = issuing.PermitData(
        number=number,
        enterprise=enterprise,
        valid_from=datetime.date.fromisoformat(first),
        valid_to=datetime.date.fromisoformat(last),
        limits=[
            issuing.LimitRow(
                row=n,
                outlet=outlet,
                outlet_kind=kind,
                pollutant=pollutants[pollutant],
                basis=basis,
                value=Decimal(value),
                unit=unit,
                monitoring=monitoring,
            )
            for n, (outlet, kind, pollutant, basis, value, unit, monitoring) in enumerate(
                rows, start=2
            )
        ],
    )
    issuing.write_permit(data)
    return Permit.objects.get(number=number)


# -- the database's rules -------------------------------------------------------------------
@pytest.mark.django_db
def test_the_database_refuses_bad_permits_and_limits(demo):
    permit = make_permit(demo)
    outlet = permit.outlets.get()
    cod = Pollutant.objects.get(code="COD")
    bad_limits = [
        {"outlet": None, "basis": "daily_mean", "unit": "mg/L"},  # concentration, no outlet
        {"outlet": outlet, "basis": "annual_total", "unit": "t"},  # annual total at an outlet
        {"outlet": outlet, "basis": "hourly_mean", "unit": "t"},  # the wrong unit
        {"outlet": outlet, "basis": "hourly_mean", "unit": "mg/L", "value": Decimal("0")},
        {"outlet": outlet, "basis": "daily_mean", "unit": "mg/L"},  # the same limit twice
        {"outlet": None, "basis": "annual_total", "unit": "t", "monitoring": "daily"},
        {"outlet": outlet, "basis": "weekly", "unit": "mg/L"},
    ]
    for fields in bad_limits:
        fields.setdefault("value", Decimal("5"))
        with pytest.raises(IntegrityError), transaction.atomic():
            Limit.objects.create(permit=permit, pollutant=cod, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Permit.objects.filter(pk=permit.pk).update(valid_to=datetime.date(2000, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Permit.objects.filter(pk=permit.pk).update(valid_to=datetime.date(2101, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Outlet.objects.create(permit=permit, code="DW001", kind="water")
    with pytest.raises(IntegrityError), transaction.atomic():
        Outlet.objects.create(permit=permit, code="DW002", kind="soil")
    # Two annual totals of one pollutant in one permit: refused too.
    Limit.objects.create(
        permit=permit, pollutant=cod, basis="annual_total", value=Decimal("9"), unit="t"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Limit.objects.create(
            permit=permit, pollutant=cod, basis="annual_total", value=Decimal("8"), unit="t"
        )


# -- the import ---------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_sample_imports_as_one_permit_with_its_outlets_and_limits(demo, epb_user):
    result = run(sample(), user=epb_user)
    assert result.ok, errors(result)
    assert (result.created, result.updated) == (5, 0)
    permit = Permit.objects.get()
    assert (permit.number, permit.enterprise, permit.revision) == (
        "91210500DEMO0001001P",
        demo,
        1,
    )
    assert sorted(permit.outlets.values_list("code", "kind")) == [
        ("DA001", "air"),
        ("DW001", "water"),
    ]
    annual = permit.limits.filter(basis="annual_total").order_by("pollutant__code")
    assert [(limit.pollutant.code, limit.value) for limit in annual] == [
        ("COD", Decimal("2000")),
        ("SO2", Decimal("26000")),
    ]
    soot = permit.limits.get(pollutant__code="SOOT")
    assert (soot.outlet.code, soot.basis, soot.value, soot.unit, soot.monitoring) == (
        "DA001",
        "hourly_mean",
        Decimal("100"),
        "mg/m3",
        "monthly",
    )
    revision = PermitRevision.objects.get()
    assert (revision.number, revision.created_by, len(revision.limits)) == (1, epb_user, 5)


@pytest.mark.django_db
def test_a_dry_run_writes_nothing(demo):
    result = run(sample(), dry_run=True)
    assert result.ok and result.created == 5
    assert not Permit.objects.exists()


@pytest.mark.django_db
def test_importing_a_permit_again_replaces_its_limits_and_keeps_the_earlier_version(demo):
    assert run(sample()).ok
    again = HEADER + (
        "91210500DEMO0001001P,DEMO-0001,2001-01-01,2005-12-31,DW001,water,COD,daily_mean,80,mg/L,"
        "monthly\n"
    )
    result = run(again)
    assert result.ok, errors(result)
    assert result.updated == 1
    permit = Permit.objects.get()
    assert permit.revision == 2
    assert [(limit.pollutant.code, limit.value) for limit in permit.limits.all()] == [
        ("COD", Decimal("80"))
    ]
    assert list(permit.outlets.values_list("code", flat=True)) == ["DW001"]
    first, second = permit.revisions.order_by("number")
    assert len(first.limits) == 5 and len(second.limits) == 1
    # The earlier version is readable on its page.
    # The same file once more says nothing new: no new version.
    assert run(again).ok
    assert Permit.objects.get().revision == 2


REFUSED = [
    # (rows, expected "row N, column: message" fragments)
    (
        "P1,DEMO-0001,2001-01-01,2005-12-31,,,COD,daily_mean,100,mg/L,\n",
        ["row 2, outlet: a concentration limit needs an outlet"],
    ),
    (
        "P1,DEMO-0001,2001-01-01,2005-12-31,DW001,water,COD,annual_total,100,t,\n",
        ["row 2, outlet: an annual total is the enterprise's"],
    ),
    (
        "P1,DEMO-0001,2001-01-01,2005-12-31,DW001,water,COD,daily_mean,100,mg/m3,\n",
        ["row 2, unit: this limit is given in mg/L, not “mg/m3”"],
    ),
    (
        "P1,DEMO-0001,2001-01-01,2005-12-31,,,COD,annual_total,100,mg/L,\n",
        ["row 2, unit: this limit is given in t"],
    ),
    (
        "P1,DEMO-0001,2001-01-01,2005-12-31,DW001,water,COD,daily_mean,100,mg/L,\n"
        "P1,DEMO-0001,2001-01-01,2005-12-31,DW001,water,COD,daily_mean,90,mg/L,\n",
        ["row 3, basis: the same outlet, pollutant and basis as row 2"],
    ),
    (
        "P1,DEMO-0001,2001-01-01,2005-12-31,DW001,water,COD,daily_mean,100,mg/L,\n"
        "P1,DEMO-0001,2001-01-01,2006-12-31,DW001,water,NH3N,daily_mean,9,mg/L,\n",
        ["row 3, valid_to: differs from row 2 of the same permit (2005-12-31)"],
    ),
    (
        "P1,DEMO-0001,2001-01-01,2000-12-31,DW001,water,COD,daily_mean,100,mg/L,\n",
        ["row 2, valid_to: the last day in force cannot be before the first"],
    ),
    (
        "P1,NOPE,2001-01-01,2005-12-31,DW001,water,COD,daily_mean,0,mg/L,weekly\n",
        [
            "row 2, enterprise_code: no enterprise with the code “NOPE”",
            "row 2, limit: a limit is greater than zero",
            "row 2, monitoring: “weekly” is not one of the codes",
        ],
    ),
    (
        "P1,DEMO-0001,2001-01-01,2005-12-31,DW001,,COD,daily_mean,100,mg/L,\n",
        ["row 2, outlet_kind: give the outlet's kind"],
    ),
    (
        "P1,DEMO-0001,2001-01-01,2005-12-31,,,COD,annual_total,100,t,daily\n",
        ["row 2, monitoring: monitoring is required at an outlet"],
    ),
    (
        "P1,DEMO-0001,2001-01-01,2005-12-31,DW001,water,PM25,daily_mean,100,mg/L,\n",
        ["row 2, pollutant: unknown pollutant “PM25”"],
    ),
    (
        "P1,DEMO-0001,1900-01-01,2105-12-31,DW001,water,COD,daily_mean,100,mg/L,\n",
        [
            "row 2, valid_from: The date must lie between 1949 and 2100.",
            "row 2, valid_to: The date must lie between 1949 and 2100.",
        ],
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("rows", "expected"), REFUSED)
def test_each_refusal_of_the_format_names_its_row_and_column(demo, rows, expected):
    result = run(HEADER + rows)
    assert not result.ok
    found = errors(result)
    for fragment in expected:
        assert any(fragment in line for line in found), (fragment, found)
    assert not Permit.objects.exists()


@pytest.mark.django_db
def test_two_permits_of_one_enterprise_in_force_on_the_same_day_are_refused(demo):
    make_permit(demo, "P0", "1998-01-01", "2001-01-01")
    result = run(
        HEADER + "P1,DEMO-0001,2001-01-01,2005-12-31,DW001,water,COD,daily_mean,100,mg/L,\n"
    )
    assert errors(result) == [
        "row 2, valid_from: the enterprise's permit P0 is in force from 1998-01-01 to "
        "2001-01-01: two permits of one enterprise cannot be in force on the same day"
    ]
    # The day after the earlier one ends is fine.
    ok = run(HEADER + "P1,DEMO-0001,2001-01-02,2005-12-31,DW001,water,COD,daily_mean,100,mg/L,\n")
    assert ok.ok, errors(ok)


@pytest.mark.django_db
def test_a_permit_number_of_another_enterprise_is_refused(demo):
    make_permit(make_enterprise("OTHER"), "P1")
    result = run(
        HEADER + "P1,DEMO-0001,2001-01-01,2005-12-31,DW001,water,COD,daily_mean,100,mg/L,\n"
    )
    assert errors(result) == [
        "row 2, permit_no: the permit number P1 is another enterprise's (OTHER)"
    ]


@pytest.mark.django_db
def test_the_file_is_all_or_nothing(demo):
    rows = (
        "P1,DEMO-0001,2001-01-01,2005-12-31,DW001,water,COD,daily_mean,100,mg/L,\n"
        "P2,DEMO-0001,2003-01-01,2005-12-31,DW001,water,COD,daily_mean,100,mg/L,\n"
    )
    result = run(HEADER + rows)
    assert [issue.row for issue in result.errors] == [3]
    assert not Permit.objects.exists()


@pytest.mark.django_db
def test_a_change_in_a_closed_year_is_refused_until_it_is_reopened(demo):
    make_permit(demo, "P1", "2001-01-01", "2005-12-31")
    closing = YearClosing.objects.create(year=2002, closed_at=timezone.now(), closed_by_name="x")
    changed = HEADER + "P1,DEMO-0001,2001-01-01,2005-12-31,DW001,water,COD,daily_mean,90,mg/L,\n"
    result = run(changed)
    assert len(result.errors) == 1
    assert "closed year 2002" in errors(result)[0]
    # The same permit unchanged is no change: accepted.
    same = HEADER + "P1,DEMO-0001,2001-01-01,2005-12-31,DW001,water,COD,daily_mean,100,mg/L,daily\n"
    assert run(same).ok
    closing.reopened_at = timezone.now()
    closing.reopened_by_name = "y"
    closing.reopen_reason = "a limit was entered wrong"
    closing.save()
    assert run(changed).ok


def close(year: int) -> YearClosing:
    return YearClosing.objects.create(year=year, closed_at=timezone.now(), closed_by_name="x")


def refused_by_the_database(write) -> YearClosed:
    """The closed year's refusal of `write`, by the database's guard (reports/yearlock.py)."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        write()
    refused = refusals.refusal(caught.value)
    assert isinstance(refused, YearClosed), caught.value
    return refused


@pytest.mark.django_db
def test_the_database_keeps_a_closed_years_permits_and_monitoring_by_any_path(demo):
    permit = make_permit(demo, "P1", "2001-01-01", "2005-12-31")
    later = make_permit(demo, "P2", "2006-01-01", "2008-12-31")
    cod = Pollutant.objects.get(code="COD")
    value = MonitoringValue.objects.create(
        enterprise=demo,
        outlet="DW001",
        pollutant=cod,
        basis="daily_mean",
        measured_on=datetime.date(2002, 3, 1),
        value=Decimal("50"),
    )
    close(2002)
    permits = Permit.objects.filter(pk=permit.pk)
    refused_by_the_database(lambda: permits.update(valid_to=datetime.date(2004, 12, 31)))
    refused_by_the_database(lambda: Limit.objects.filter(permit=permit).update(value=90))
    refused_by_the_database(lambda: Outlet.objects.filter(permit=permit).delete())
    refused_by_the_database(
        lambda: MonitoringValue.objects.filter(pk=value.pk).update(value=Decimal("60"))
    )
    refused_by_the_database(
        lambda: MonitoringValue.objects.create(
            enterprise=demo,
            outlet="DW001",
            pollutant=cod,
            basis="daily_mean",
            measured_on=datetime.date(2002, 3, 2),
            value=Decimal("40"),
        )
    )
    # A permit in force outside the closed year, and the stored document, stay open.
    Limit.objects.filter(permit=later).update(value=90)
    permits.update(document_name="permit.pdf")
    assert Limit.objects.get(permit=permit).value == Decimal("100")
    assert MonitoringValue.objects.get(pk=value.pk).value == Decimal("50")


@pytest.mark.django_db
def test_the_form_shows_the_databases_refusal_of_a_closed_year(client_as, demo, monkeypatch):
    permit = make_permit(demo, "P9", "2001-01-01", "2005-12-31")
    close(2002)
    # Past the form's own check of the closed years, the database's guard still refuses.
    monkeypatch.setattr(issuing, "closed_years", set)
    response = client_as("epb_staff").post(
        reverse("permits:edit", args=[permit.pk]),
        grid(
            [{**COD_ROW, "value": "60"}],
            number="P9",
            valid_from="2001-01-01",
            valid_to="2005-12-31",
            version=str(permit.version),
        ),
    )
    assert response.status_code == 200
    with translation.override("zh-hans"):  # the page's language
        closed = {str(YearClosed().messages[0]), str(YearClosed(2002).messages[0])}
    assert set(response.context["form"].non_field_errors()) & closed
    assert Limit.objects.get(permit=permit).value == Decimal("100")


@pytest.mark.django_db
def test_the_refusals_read_in_chinese(demo):
    with translation.override("zh-hans"):
        result = run(HEADER + "P1,DEMO-0001,2001-01-01,2005-12-31,,,COD,daily_mean,100,mg/L,\n")
        line = str(result.errors[0])
    assert line.startswith("第 2 行")
    assert "排放口" in line


# -- pages -------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_sees_and_who_writes_permits(client_as, demo, role):
    permit = make_permit(demo)
    client = client_as(role)
    reads = role != "auditor"
    writes = role in ("administrator", "epb_staff")
    expected = 200 if reads else 403
    assert client.get(reverse("permits:list")).status_code == expected
    assert client.get(permit.get_absolute_url()).status_code == expected
    assert client.get(reverse("permits:create")).status_code == (200 if writes else 403)
    edit = client.get(reverse("permits:edit", args=[permit.pk])).status_code
    assert edit == (200 if writes else 403)
    assert client.get(reverse("import", args=["permits"])).status_code == (200 if writes else 403)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 20])
def test_the_list_runs_a_fixed_number_of_queries(client_as, django_assert_num_queries, count):
    for n in range(count):
        make_permit(make_enterprise(f"E{n:03d}"), f"P{n:03d}")
    client = client_as("leadership")
    # BASE, the count of rows, the page of permits with their enterprises and counts.
    with django_assert_num_queries(BASE + 2):
        response = client.get(reverse("permits:list"))
    assert response.status_code == 200
    assert response.context["table"].paginator.count == count


@pytest.mark.django_db
def test_the_list_filters_and_exports(client_as, demo):
    make_permit(demo, "P-OLD", "1995-01-01", "1999-12-31")
    make_permit(demo, "P-NEW", "2000-01-01", "2099-12-31")
    client = client_as("epb_staff")
    url = reverse("permits:list")
    assert client.get(url, {"q": "OLD"}).context["table"].paginator.count == 1
    assert client.get(url, {"year": 1997}).context["table"].paginator.count == 1
    assert client.get(url, {"state": "in_force"}).context["table"].paginator.count == 1
    assert client.get(url, {"state": "expired"}).context["table"].paginator.count == 1
    response = client.get(url, {"_export": "csv", "state": "expired"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "P-OLD" in body and "P-NEW" not in body


def grid(rows: list[dict], **fields) -> dict:
    data = {
        "limits-TOTAL_FORMS": str(len(rows)),
        "limits-INITIAL_FORMS": "0",
        "limits-MIN_NUM_FORMS": "0",
        "limits-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        for key, value in row.items():
            data[f"limits-{n}-{key}"] = value
    data.update(fields)
    return data


COD_ROW = {
    "outlet": "dw001",
    "outlet_kind": "water",
    "category": "main",
    "pollutant": "COD",
    "basis": "daily_mean",
    "value": "100",
    "monitoring": "daily",
}


@pytest.mark.django_db
def test_the_form_creates_a_permit_and_then_a_new_version(client_as, demo):
    client = client_as("epb_staff")
    response = client.post(
        reverse("permits:create"),
        grid(
            [COD_ROW, {"pollutant": "COD", "basis": "annual_total", "value": "2000"}],
            number="P9",
            enterprise=demo.code,
            valid_from="2001-01-01",
            valid_to="2005-12-31",
            issuer="本溪市环境保护局",
            version="0",
        ),
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    permit = Permit.objects.get(number="P9")
    assert permit.issuer == "本溪市环境保护局"
    # The unit follows from the basis and the outlet where the grid leaves it empty.
    assert sorted(permit.limits.values_list("unit", flat=True)) == ["mg/L", "t"]
    assert permit.outlets.get().code == "DW001"
    response = client.post(
        reverse("permits:edit", args=[permit.pk]),
        grid(
            [{**COD_ROW, "value": "60", "category": "general"}],
            number="P9",
            valid_from="2001-01-01",
            valid_to="2007-12-31",
            issuer="本溪市环境保护局",
            version=str(permit.version),
        ),
    )
    assert response.status_code == 302
    permit.refresh_from_db()
    assert (permit.revision, permit.valid_to) == (2, datetime.date(2007, 12, 31))
    assert permit.outlets.get().category == "general"
    page = client.get(reverse("permits:revision", args=[permit.pk, 1]))
    assert page.status_code == 200
    assert "2005-12-31" in page.content.decode()
    assert [group["outlet"] for group in page.context["groups"]] == ["DW001", ""]


@pytest.mark.django_db
def test_the_form_shows_the_refusals_on_their_rows(client_as, demo):
    make_permit(demo, "P0", "1999-01-01", "2002-12-31")
    client = client_as("epb_staff")
    response = client.post(
        reverse("permits:create"),
        grid(
            [{**COD_ROW, "basis": "annual_total", "value": "5"}],
            number="P9",
            enterprise=demo.code,
            valid_from="2001-01-01",
            valid_to="2005-12-31",
            version="0",
        ),
    )
    assert response.status_code == 200
    row = response.context["formset"].forms[0]
    assert "outlet" in row.errors
    assert "valid_from" in response.context["form"].errors
    assert not Permit.objects.filter(number="P9").exists()


@pytest.mark.django_db
def test_a_permit_needs_a_limit(client_as, demo):
    response = client_as("epb_staff").post(
        reverse("permits:create"),
        grid([], number="P9", enterprise=demo.code, valid_from="2001-01-01", valid_to="2005-12-31"),
    )
    assert response.status_code == 200
    assert response.context["formset"].non_form_errors()


@pytest.mark.django_db
def test_a_stale_form_does_not_overwrite_a_newer_version(client_as, demo):
    permit = make_permit(demo, "P9")
    client = client_as("epb_staff")
    stale = permit.version
    make_permit(demo, "P9", last="2006-12-31")  # someone else's change meanwhile
    response = client.post(
        reverse("permits:edit", args=[permit.pk]),
        grid(
            [{**COD_ROW, "value": "60"}],
            number="P9",
            valid_from="2001-01-01",
            valid_to="2005-12-31",
            version=str(stale),
        ),
    )
    assert response.status_code == 200
    assert Permit.objects.get(pk=permit.pk).valid_to == datetime.date(2006, 12, 31)


@pytest.mark.django_db
def test_the_enterprise_page_shows_its_permits_with_their_versions(client_as, demo):
    make_permit(demo, "P-A", "1995-01-01", "1999-12-31")
    make_permit(demo, "P-A", "1995-01-01", "2000-06-30")
    client = client_as("leadership")
    response = client.get(demo.get_absolute_url())
    body = response.content.decode()
    assert 'id="panel-permits"' in body
    assert "P-A" in body
    permit = Permit.objects.get(number="P-A")
    assert reverse("permits:revision", args=[permit.pk, 1]) in body
    assert reverse("permits:revision", args=[permit.pk, 2]) in body
    assert (
        'id="panel-permits"'
        not in client_as("auditor").get(demo.get_absolute_url()).content.decode()
    )


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 4])
def test_the_enterprise_pages_panel_runs_a_fixed_number_of_queries(
    rf, leader_user, demo, django_assert_num_queries, count
):
    from enterprises.models import AnnualDischarge
    from permits.panels import permits_panel

    for n in range(count):
        make_permit(demo, f"P{n}", f"{1990 + 2 * n}-01-01", f"{1991 + 2 * n}-12-31")
        AnnualDischarge.objects.create(
            enterprise=demo,
            year=1990 + n,
            pollutant=Pollutant.objects.get(code="COD"),
            amount=Decimal("1"),
            basis="Y",
            verified=True,
        )
    from permits.models import MonitoringValue

    for n in range(count):  # an exceedance in each of the last permit's first days
        MonitoringValue.objects.create(
            enterprise=demo,
            outlet="DW001",
            pollutant=Pollutant.objects.get(code="COD"),
            basis="daily_mean",
            measured_on=datetime.date(1990 + 2 * (count - 1), 1, 1 + n),
            value=Decimal("150"),
        )
    request = rf.get("/")
    request.user = leader_user
    leader_user.has_perm("permits.view_permit")  # the permissions, read once per request
    # The permits, their versions; the latest monitoring value; the compliance of its year:
    # the limits, the values by month with their limits, the days with a value; the tax's
    # equivalents, its rates, the verified discharge.
    with django_assert_num_queries(9):
        template, context = permits_panel(request, demo)
        assert len(context["permits"]) == count and len(context["taxes"]) == count
        [series] = context["exceeding"]
        assert (context["compliance_year"], series.exceedances) == (1990 + 2 * (count - 1), count)
        assert all(len(permit.revisions.all()) == 1 for permit in context["permits"])


@pytest.mark.django_db
def test_the_permits_document_is_uploaded_with_the_form_and_downloaded(
    client_as, demo, tmp_path, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    permit = make_permit(demo, "P9")
    client = client_as("epb_staff")
    document = SimpleUploadedFile("permit.pdf", b"%PDF-1.4 the permit", "application/pdf")
    response = client.post(
        reverse("permits:edit", args=[permit.pk]),
        {
            **grid(
                [COD_ROW],
                number="P9",
                valid_from="2001-01-01",
                valid_to="2005-12-31",
                version=str(permit.version),
            ),
            "upload": document,
        },
    )
    assert response.status_code == 302
    permit.refresh_from_db()
    assert (permit.document_name, permit.revision) == ("permit.pdf", 1)  # the same limits
    download = client_as("leadership").get(reverse("permits:document", args=[permit.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 the permit"
    fake = SimpleUploadedFile("permit.pdf", b"not a pdf", "application/pdf")
    refused = client_as("epb_staff").post(
        reverse("permits:edit", args=[permit.pk]),
        {
            **grid([COD_ROW], number="P9", valid_from="2001-01-01", valid_to="2005-12-31"),
            "upload": fake,
        },
    )
    assert refused.status_code == 200 and "upload" in refused.context["form"].errors
