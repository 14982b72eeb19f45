"""The discharge importer (docs/formats/discharge.md): the sample, broken files, the lock."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from benxi_cp.importers import get_importer
from enterprises.models import DischargeReport, DischargeValue, Enterprise, ReliabilityFlag

HEADER = "enterprise_code,year,period,pollutant,amount,unit,basis,output_10k_yuan\n"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def register(db):
    """The enterprises the sample file names."""
    Enterprise.objects.create(code="DEMO-0001", name="溪城第一钢铁厂", sector="iron_steel")
    Enterprise.objects.create(code="DEMO-0002", name="溪城水泥厂", sector="building_materials")


def run(text: str | bytes, filename: str = "d.csv", dry_run: bool = False, user=None):
    content = text.encode("utf-8") if isinstance(text, str) else text
    return get_importer("discharge")(user=user).run(content, filename, dry_run=dry_run)


def errors(result) -> list[str]:
    return [str(issue) for issue in result.errors]


def nothing_written() -> bool:
    return not DischargeReport.objects.exists() and not DischargeValue.objects.exists()


@pytest.mark.django_db
def test_the_sample_file_creates_reports_then_updates_them(formats_dir, register, epb_user):
    content = (formats_dir / "discharge.sample.csv").read_bytes()
    result = run(content, user=epb_user)
    assert result.ok, errors(result)
    assert (result.created, result.updated) == (4, 0)
    steel = DischargeReport.objects.get(enterprise__code="DEMO-0001", year=1996)
    assert (steel.period_kind, steel.status, steel.output_10k_yuan) == ("Y", "submitted", 620000)
    assert steel.submitted_by == epb_user and steel.created_by == epb_user
    assert dict(steel.values.values_list("pollutant__code", "basis")) == {
        "COD": "measured_sampling",
        "SO2": "calculated",
        "WASTEGAS": "calculated",
    }
    cement = DischargeReport.objects.get(enterprise__code="DEMO-0002")
    assert (cement.year, cement.period_kind, cement.period_number) == (1998, "Q", 1)
    assert cement.values.get().basis == "estimated"  # the format's default
    # The checks ran: the estimated dust is noted, and every report has its grade.
    assert ReliabilityFlag.objects.filter(report=cement, code="estimated").exists()
    assert set(DischargeReport.objects.values_list("grade", flat=True)) == {"A", "B"}

    again = run(content)
    assert (again.created, again.updated) == (0, 4)
    assert DischargeValue.objects.count() == 4


@pytest.mark.django_db
def test_a_dry_run_writes_nothing(formats_dir, register):
    result = run((formats_dir / "discharge.sample.csv").read_bytes(), dry_run=True)
    assert result.ok and result.created == 4
    assert nothing_written()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "rows,expected",
    [
        ("DEMO-0001,1996,Y,PM25,1,t,,\n", "row 2, pollutant: unknown pollutant “PM25”"),
        ("DEMO-0001,1996,Y,COD,1850,kg,,\n", "row 2, unit: COD is reported in t, not “kg”"),
        (
            "DEMO-0001,1996,Y,COD,1850,t,,\nDEMO-0001,1996,,COD,1900,t,,\n",
            "row 3, pollutant: COD appears twice in the report DEMO-0001 1996 Y (row 2)",
        ),
        ("DEMO-0001,1996,Y,COD,lots,t,,\n", "row 2, amount: Enter a number."),
        ("DEMO-0001,1996,Y,COD,-3,t,,\n", "row 2, amount: an amount cannot be negative"),
        ("DEMO-0009,1996,Y,COD,3,t,,\n", "row 2, enterprise_code: no enterprise with the code"),
        ("DEMO-0001,1996,Q5,COD,3,t,,\n", "row 2, period: “Q5” is not a period"),
        ("DEMO-0001,96,Y,COD,3,t,,\n", "row 2, year: Ensure this value is greater than"),
        ("DEMO-0001,1996,Y,COD,3,t,guessed,\n", "row 2, basis: “guessed” is not one of the codes"),
        (
            "DEMO-0001,1996,Y,COD,3,t,,100\nDEMO-0001,1996,Y,SO2,3,t,,200\n",
            "row 3, output_10k_yuan: differs from row 2 of the same report",
        ),
    ],
)
def test_a_broken_file_is_refused_whole(register, rows, expected):
    # A good row first (row 2): it must not be written either; the broken rows move down one.
    result = run(HEADER + "DEMO-0002,1998,Q1,DUST,310.5,t,estimated,\n" + rows)
    found = errors(result)
    expected = expected.replace("row 3", "row 4").replace("row 2", "row 3")
    assert any(message.startswith(expected) for message in found), found
    assert result.created == 0
    assert nothing_written()


@pytest.mark.django_db
def test_rows_touching_a_verified_report_are_refused(register, make_report):
    steel = Enterprise.objects.get(code="DEMO-0001")
    verified = make_report(steel, 1996, {"COD": 1800}, status="verified")
    text = HEADER + "DEMO-0001,1997,Y,COD,1700,t,,\nDEMO-0001,1996,Y,COD,1850,t,,\n"
    result = run(text)
    assert errors(result) == [
        "row 3, period: the report DEMO-0001 1996 Y is verified and locked; "
        "an administrator must unlock it first"
    ]
    assert DischargeReport.objects.count() == 1
    assert verified.values.get().amount == Decimal(1800)


@pytest.mark.django_db
def test_labels_case_and_xlsx_are_accepted(register):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Enterprise_Code", "YEAR", "Pollutant", "Amount", "Basis", "Unit", "period"])
    sheet.append(["DEMO-0001", 1997, "cod", 1750.5, "Calculated", "T", "m03"])
    sheet.append(["DEMO-0001", 1997, "wastegas", 4100000, "估算", "10k  Nm3", "M03"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = run(buffer.getvalue(), "d.xlsx")
    assert result.ok, errors(result)
    report = DischargeReport.objects.get()
    assert (report.period_kind, report.period_number) == ("M", 3)
    assert dict(report.values.values_list("pollutant__code", "amount")) == {
        "COD": Decimal("1750.5"),
        "WASTEGAS": Decimal(4100000),
    }
    assert set(report.values.values_list("basis", flat=True)) == {"calculated", "estimated"}


@pytest.mark.django_db
def test_an_existing_draft_keeps_its_status_and_other_values(register, make_report):
    steel = Enterprise.objects.get(code="DEMO-0001")
    draft = make_report(steel, 1997, {"COD": 1, "SO2": 2})
    result = run(HEADER + "DEMO-0001,1997,,COD,5,t,,900\n")
    assert result.ok and (result.created, result.updated) == (0, 1)
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.output_10k_yuan == 900
    assert dict(draft.values.values_list("pollutant__code", "amount")) == {
        "COD": Decimal(5),
        "SO2": Decimal(2),
    }


@pytest.mark.django_db
def test_unknown_columns_are_refused(register):
    result = run("enterprise_code,year,pollutant,amount,remark\nDEMO-0001,1997,COD,1,x\n")
    assert errors(result) == ["row 1, remark: unknown column"]


@pytest.mark.django_db
def test_the_command_line_imports_and_refuses(formats_dir, register, tmp_path):
    out = io.StringIO()
    call_command(
        "import_data",
        "discharge",
        str(formats_dir / "discharge.sample.csv"),
        "--dry-run",
        stdout=out,
    )
    assert out.getvalue().strip() == "dry run: would have created 4, updated 0"
    assert nothing_written()
    call_command("import_data", "discharge", str(formats_dir / "discharge.sample.csv"), stdout=out)
    assert DischargeValue.objects.count() == 4
    broken = tmp_path / "broken.csv"
    broken.write_text(HEADER + "DEMO-0001,1999,Y,COD,1,kg,,\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing written"):
        call_command("import_data", "discharge", str(broken), stderr=err)
    assert "row 2, unit" in err.getvalue()


@pytest.mark.django_db
def test_the_web_import_checks_then_commits(client_as, formats_dir, register):
    client = client_as("epb_staff")
    url = reverse("import", args=["discharge"])
    sample = formats_dir / "discharge.sample.csv"
    with sample.open("rb") as upload:
        response = client.post(url, {"file": upload})
    assert response.status_code == 200 and response.context["result"].ok
    assert nothing_written()
    token = response.context["token"]
    response = client.post(url, {"token": token, "suffix": ".csv"})
    assert response.status_code == 302
    assert DischargeValue.objects.count() == 4
    listing = client.get(reverse("enterprises:report_list")).content.decode()
    assert reverse("import", args=["discharge"]) in listing


@pytest.mark.django_db
def test_imported_reports_and_values_have_their_history(formats_dir, register, epb_user):
    result = run((formats_dir / "discharge.sample.csv").read_bytes(), user=epb_user)
    assert result.ok, errors(result)
    for model in (DischargeReport, DischargeValue):
        entries = model.history.all()
        assert sorted(e.id for e in entries) == sorted(model.objects.values_list("pk", flat=True))
        assert {(e.history_type, e.history_user_id) for e in entries} == {("+", epb_user.pk)}
    steel = DischargeReport.objects.get(enterprise__code="DEMO-0001")
    entry = steel.history.get()
    assert (entry.status, entry.output_10k_yuan, entry.created_by_id) == (
        "submitted",
        steel.output_10k_yuan,
        epb_user.pk,
    )
    amounts = {e.id: e.amount for e in DischargeValue.history.all()}
    assert amounts == dict(DischargeValue.objects.values_list("pk", "amount"))
    # A second import updates: its history rows say so ("~"), the first ones stay.
    text = HEADER + "DEMO-0001,1996,Y,COD,1900,t,measured_sampling,620000\n"
    assert run(text, user=epb_user).ok
    cod = DischargeValue.objects.get(report=steel, pollutant__code="COD")
    assert list(cod.history.order_by("history_id").values_list("history_type", "amount")) == [
        ("+", Decimal("1850")),
        ("~", Decimal("1900")),
    ]


@pytest.mark.parametrize(
    "name,cells",
    [
        ("YEAR_FIELD", ["1996", "1949", "2100", "1948", "2101", "96", "1996.0", " 1996", "x", ""]),
        (
            "AMOUNT_FIELD",
            [
                "0",
                "1850",
                "310.5",
                "12.3456",
                "12.34567",
                "123456789012",
                "1234567890123",
                "000000000000001",
                "-3",
                "+3",
                "1e3",
                "1,850",
                "lots",
                "",
                "NaN",
                ".5",
                "5.",
            ],
        ),
        ("OUTPUT_FIELD", ["", "620000", "620000.25", "620000.255", "-1", "1e2", "x"]),
        ("BASIS_FIELD", ["", "estimated", "calculated", "Calculated", "估算", "guessed"]),
    ],
)
def test_the_quick_checks_agree_with_the_form_fields(name, cells):
    """Each cell gives the form field's value, or its error messages, whichever path it takes."""
    from django import forms

    from enterprises import importers

    quick = getattr(importers, name)

    def outcome(clean, cell):
        try:
            return "ok", repr(clean(cell))  # repr: Decimal("1.50") is not Decimal("1.5")
        except forms.ValidationError as error:
            return "error", error.messages

    for cell in cells:
        expected = outcome(quick.field.clean, cell)
        assert outcome(quick.clean, cell) == expected, cell


def annual_file(years: range) -> str:
    """Both register enterprises' annual reports of `years`, the same four values each year
    (no year differs from another: the checks find the same in every report)."""
    lines = [HEADER]
    for code in ("DEMO-0001", "DEMO-0002"):
        for year in years:
            for pollutant in ("COD", "SO2", "NOX", "DUST"):
                lines.append(f"{code},{year},Y,{pollutant},12.5,t,calculated,100\n")
    return "".join(lines)


@pytest.mark.django_db
def test_six_times_the_rows_take_the_same_queries(register, epb_user):
    """Set-based: the rows are checked in memory and written in bulk statements (a few
    thousand rows each), the reports' checks and the ledger run in a fixed number of queries
    (for a batch of reports), whatever the number of rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    epb_user.get_all_permissions()  # read once, then cached on the user
    counts = []
    for years in (range(1995, 1996), range(1996, 2002)):
        with CaptureQueriesContext(connection) as captured:
            result = run(annual_file(years), user=epb_user)
        assert result.ok, errors(result)
        assert result.created == 2 * 4 * len(years)
        counts.append(len(captured))
    assert counts[0] == counts[1]
    assert DischargeValue.objects.count() == 2 * 4 * 7
    assert not DischargeReport.objects.filter(grade="").exists()  # every report was checked


@pytest.mark.django_db
def test_a_month_of_six_hundred_enterprises_is_imported_and_checked(epb_user):
    """The checks of a monthly import of many enterprises read each one's earlier years in
    one condition per first year: a term per enterprise made an expression SQLite refuses
    (a thousand terms at most)."""
    for n in range(600):
        Enterprise.objects.create(code=f"E-{n:04d}", name=f"工厂{n}", sector="iron_steel")
    text = HEADER + "".join(f"E-{n:04d},2001,M01,COD,1.5,t,calculated,100\n" for n in range(600))
    result = run(text, user=epb_user)
    assert result.ok, errors(result)
    assert result.created == 600
    assert not DischargeReport.objects.filter(grade="").exists()  # every report was checked
