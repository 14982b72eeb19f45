"""A bureau's audit history from files (docs/formats/audit-history.md): the samples load a
complete programme (audits through assessment and acceptance) from the four files and from
the workbook, on the command line and the audits' import page; every rule refuses with the
file (or sheet), row and column, and nothing is written."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from audits.history import AuditHistoryImporter, part_of
from audits.models import Audit, AuditUnlock, MaterialBalanceLine, Option, OptionFeasibility
from benxi_cp.importers import get_importer
from benxi_cp.tabular import Table, read_table
from enterprises.models import Enterprise
from tests.fixtures import FORMATS_DIR

pytestmark = pytest.mark.django_db

PARTS = ("audits", "options", "balance", "feasibility")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def register(db):
    """The enterprises of docs/formats/enterprises.sample.csv."""
    result = get_importer("enterprises")().run(
        (FORMATS_DIR / "enterprises.sample.csv").read_bytes(), "enterprises.csv"
    )
    assert result.ok, result.errors
    return {e.code: e for e in Enterprise.objects.all()}


def sample(part: str) -> str:
    return (FORMATS_DIR / f"audit-history.{part}.sample.csv").read_text(encoding="utf-8")


def files(tmp_path: Path, **changes) -> list[Path]:
    """The four sample files, written as `<part>.csv`; `part=(old, new)` or `part=text`
    changes one of them, `part=None` leaves it out."""
    paths = []
    for part in PARTS:
        text = sample(part)
        change = changes.get(part, "")
        if part in changes and change is None:
            continue
        if isinstance(change, tuple):
            old, new = change
            assert old in text, (part, old)
            text = text.replace(old, new)
        elif change:
            text = change
        path = tmp_path / f"{part}.csv"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def run(paths: list[Path], dry_run: bool = False, user=None):
    return AuditHistoryImporter(user=user).run_files(paths, dry_run=dry_run)


def errors(result) -> list[str]:
    return [str(issue) for issue in result.errors]


def refused(result, line: str, words: str = "") -> bool:
    """The import is refused, with an error that starts with `line` and holds `words`, and
    nothing of it is written."""
    found = any(m.startswith(line) and words in m for m in errors(result))
    return not result.ok and found and not Audit.objects.exists()


def assert_complete_programme() -> None:
    """What the samples hold: three audits, two through assessment and acceptance."""
    first, second, third = Audit.objects.order_by("ref")
    assert [a.ref for a in (first, second, third)] == ["H-1996-01", "H-1997-01", "H-2000-01"]
    for audit in (first, second):
        assert audit.steps_completed == 8
        assert audit.steps.filter(status="completed").count() == 8
        assert (audit.assessment, audit.acceptance) == ("pass", "pass")
        assert audit.is_locked  # accepted: its records are closed to changes
    assert (first.accepted_by, first.accepted_on, first.assessment_score) == (
        "national_centre",
        datetime.date(1997, 6, 15),
        Decimal("88"),
    )
    assert first.demonstration and first.enterprise.cp_status == "demonstration"
    assert second.enterprise.cp_status == "accepted"
    assert (third.steps_completed, third.assessment, third.enterprise.cp_status) == (
        5,
        "",
        "auditing",
    )
    statuses = {
        (option.audit.ref, option.code): option.status
        for option in Option.objects.select_related("audit")
    }
    assert statuses[("H-1996-01", "F04")] == "implemented"
    assert statuses[("H-1996-01", "F05")] == "not_feasible"
    assert statuses[("H-1997-01", "F02")] == "implemented"
    assert statuses[("H-2000-01", "F02")] == "selected"
    assert len(statuses) == 11
    turbine = Option.objects.get(audit=first, code="F04")
    assert (turbine.actual_investment_10k_yuan, turbine.implemented_on) == (
        Decimal("880"),
        datetime.date(1997, 1, 30),
    )
    assert turbine.reductions.get().amount_per_year == 1200
    # Each analysis takes the option's estimate; the NPV is computed, not imported.
    analysis = OptionFeasibility.objects.get(option=turbine)
    assert (analysis.investment_10k_yuan, analysis.annual_net_saving_10k_yuan) == (
        Decimal("850"),
        Decimal("310"),
    )
    assert analysis.evaluate().npv > 0
    assert OptionFeasibility.objects.count() == 4
    assert MaterialBalanceLine.objects.count() == 12
    assert first.balance_lines.filter(direction="output").count() == 2


# -- the samples ------------------------------------------------------------------------------
def test_the_four_sample_files_load_a_complete_programme(register, tmp_path):
    paths = files(tmp_path)
    checked = run(paths, dry_run=True)
    assert checked.ok, errors(checked)
    assert (checked.created, checked.updated) == (30, 0)
    assert not Audit.objects.exists()  # a dry run writes nothing

    result = run(paths)
    assert result.ok, errors(result)
    assert (result.created, result.updated) == (30, 0)
    assert_complete_programme()

    # The same files again change nothing (the accepted audits' records are as they are).
    again = run(paths)
    assert again.ok, errors(again)
    assert (again.created, again.updated) == (0, 30)
    assert_complete_programme()


def _cells(rows: list[list[str]]) -> list[list]:
    """Numbers as numbers (a sheet's 12 is the file's 12.0)."""

    def value(cell: str):
        try:
            return Decimal(cell)
        except ArithmeticError:
            return cell

    return [[value(cell) for cell in row] for row in rows]


def test_the_sample_workbook_holds_the_four_files():
    workbook = (FORMATS_DIR / "audit-history.sample.xlsx").read_bytes()
    names = load_workbook(io.BytesIO(workbook), read_only=True).sheetnames
    assert names == list(PARTS)
    for part in PARTS:
        header, rows = read_table(sample(part).encode(), f"{part}.csv")
        with Table(workbook, "history.xlsx", sheet=part) as table:
            assert table.header == header, part
            assert _cells(list(table.rows())) == _cells(rows), part


def test_the_sample_workbook_loads_a_complete_programme(register):
    result = AuditHistoryImporter().run(
        (FORMATS_DIR / "audit-history.sample.xlsx").read_bytes(), "history.xlsx"
    )
    assert result.ok, errors(result)
    assert (result.created, result.updated) == (30, 0)
    assert_complete_programme()


def test_the_command_takes_the_four_files_or_the_workbook(register, tmp_path, capsys):
    names = [str(FORMATS_DIR / f"audit-history.{part}.sample.csv") for part in PARTS]
    call_command("import_data", "audit-history", *names, "--dry-run")
    assert "dry run: would have created 30, updated 0" in capsys.readouterr().out
    assert not Audit.objects.exists()
    call_command("import_data", "audit-history", str(FORMATS_DIR / "audit-history.sample.xlsx"))
    assert "created 30, updated 0" in capsys.readouterr().out
    assert_complete_programme()
    # A refused history: every error with its file, a non-zero exit.
    (audits,) = files(tmp_path, options=None, balance=None, feasibility=None)
    bad = tmp_path / "1998-audits.csv"
    bad.write_text(audits.read_text().replace("H-2000-01,DEMO-0003", "H-2000-02,NOPE"))
    with pytest.raises(CommandError, match="refused"):
        call_command("import_data", "audit-history", str(bad))
    assert "1998-audits.csv, row 4, enterprise_code" in capsys.readouterr().err
    with pytest.raises(CommandError, match="one file"):
        call_command("import_data", "audits", names[0], names[1])


def test_the_files_are_told_apart_by_name_then_by_columns(tmp_path):
    for part in PARTS:
        by_name = tmp_path / f"1996-{part}-export.csv"
        by_name.write_text("x\n1\n")
        assert part_of(by_name) == part
        by_columns = tmp_path / f"sheet{PARTS.index(part)}.csv"
        by_columns.write_text(sample(part))
        assert part_of(by_columns) == part
    unknown = tmp_path / "other.csv"
    unknown.write_text("colour\nred\n")
    assert part_of(unknown) is None


def test_a_file_of_no_part_or_a_part_twice_is_refused(register, tmp_path):
    paths = files(tmp_path)
    other = tmp_path / "other.csv"
    other.write_text("colour\nred\n")
    result = run([*paths, other])
    assert refused(result, "other.csv, row 1", "none of audits, options")
    twice = tmp_path / "more-options.csv"
    twice.write_text(sample("options"))
    result = run([*paths, twice])
    assert refused(result, "more-options.csv, row 1", "second file of options")
    result = run([path for path in paths if path.stem != "audits"])
    assert refused(result, "row 1", "starts with its audits")


def test_any_of_the_last_three_may_be_left_out(register, tmp_path):
    """Audits and their options alone: the audits' rows that need a balance are refused, the
    others load."""
    audits = (
        "ref,enterprise_code,started_on,steps_completed,focus\n"
        "H-1996-01,DEMO-0001,1996-04-01,2,Sintering plant\n"
        "H-1997-01,DEMO-0002,1997-05-10,2,Kiln line 1\n"
        "H-2000-01,DEMO-0003,2000-09-01,2,Sulphuric acid plant\n"
    )
    # Options of audits at step 2: none moves beyond "selected" without an analysis.
    options = "\n".join(
        line
        for line in sample("options").splitlines()
        if ",medium_high,implemented," not in line and ",not_feasible," not in line
    )
    result = run(files(tmp_path, audits=audits, options=options, balance=None, feasibility=None))
    assert result.ok, errors(result)
    assert Audit.objects.count() == 3 and set(Audit.objects.values_list("steps_completed")) == {
        (2,)
    }


# -- the web: the audits' import page takes the workbook ---------------------------------------
def test_the_audits_import_page_takes_the_history_workbook(register, client_as):
    client = client_as("epb_staff")
    client.cookies["django_language"] = "en"
    url = reverse("import", args=["audits"])
    workbook = (FORMATS_DIR / "audit-history.sample.xlsx").read_bytes()
    upload = io.BytesIO(workbook)
    upload.name = "bureau-history.xlsx"
    page = client.post(url, {"file": upload})
    assert page.status_code == 200
    content = page.content.decode()
    assert "The file is valid" in content and "create 30 and update 0" in content
    assert "sheet options · H-1996-01/F04" in content
    assert not Audit.objects.exists()
    page = client.post(url, {"token": page.context["token"], "suffix": ".xlsx"}, follow=True)
    assert "Import done: 30 created, 0 updated." in page.content.decode()
    assert_complete_programme()


def test_a_refused_workbook_names_the_sheet_row_and_column(register, client_as):
    workbook = load_workbook(FORMATS_DIR / "audit-history.sample.xlsx")
    workbook["balance"].delete_rows(2, 5)  # H-1996-01's balance
    workbook.create_sheet("notes")
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = AuditHistoryImporter().run(buffer.getvalue(), "history.xlsx")
    assert refused(result, "row 1", "sheet “notes”")
    del workbook["notes"]
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = AuditHistoryImporter().run(buffer.getvalue(), "history.xlsx")
    assert refused(result, "sheet audits, row 2, steps_completed", "material balance")
    assert len(result.errors) == 1, errors(result)


def test_the_history_import_page_takes_only_a_workbook(register, client_as):
    client = client_as("epb_staff")
    client.cookies["django_language"] = "en"
    upload = io.BytesIO(sample("audits").encode())
    upload.name = "audits.csv"
    page = client.post(reverse("import", args=["audit-history"]), {"file": upload})
    assert "one XLSX workbook with the sheets audits, options" in page.content.decode()


@pytest.mark.parametrize("role", ["auditor", "leadership"])
def test_those_who_may_not_write_every_part_may_not_import_a_history(client_as, role):
    assert client_as(role).get(reverse("import", args=["audit-history"])).status_code == 403


def test_the_audits_importer_refuses_a_history_to_whom_may_not_import_it(register, make_user):
    from django.contrib.auth.models import Permission

    clerk = make_user(None, "audits-clerk")
    clerk.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["add_audit", "change_audit", "assess_audit", "view_audit"]
        )
    )
    result = get_importer("audits")(user=clerk).run(
        (FORMATS_DIR / "audit-history.sample.xlsx").read_bytes(), "history.xlsx"
    )
    assert not result.ok and "you may not import options" in errors(result)[0]


# -- refusals, rule by rule --------------------------------------------------------------------
def test_step_3_needs_a_material_balance(register, tmp_path):
    balance = "\n".join(line for line in sample("balance").splitlines() if "H-1997-01" not in line)
    result = run(files(tmp_path, balance=balance))
    assert refused(result, "audits.csv, row 3, steps_completed", "Step 3 is completed only")
    assert len(result.errors) == 1, errors(result)


def test_step_4_needs_no_option_left_proposed(register, tmp_path):
    options = ("H-2000-01,F01,Cover the acid storage tanks,process_control,low_no,selected", "")
    options = (options[0], options[0].replace(",selected", ",proposed"))
    result = run(files(tmp_path, options=options))
    assert refused(result, "audits.csv, row 4, steps_completed", "still proposed: F01")


def test_step_5_needs_an_analysis_of_each_kept_medium_high_fee_option(register, tmp_path):
    feasibility = "\n".join(
        line for line in sample("feasibility").splitlines() if "H-2000-01" not in line
    )
    result = run(files(tmp_path, feasibility=feasibility))
    assert refused(result, "audits.csv, row 4, steps_completed", "missing for: F02")


def test_an_implemented_medium_high_fee_option_needs_its_analysis(register, tmp_path):
    feasibility = "\n".join(
        line for line in sample("feasibility").splitlines() if "H-1997-01" not in line
    )
    result = run(files(tmp_path, feasibility=feasibility))
    assert refused(result, "options.csv, row 8, status", "only with its feasibility analysis")
    # Its audit is not taken further: the one mistake is reported once.
    assert len(result.errors) == 1, errors(result)


def test_a_negative_npv_needs_a_reason_to_go_ahead(register, tmp_path):
    # The turbine (NPV < 0) said to be implemented, without a reason.
    options = (
        "equipment,medium_high,not_feasible,2400.0,150.0,,,,,",
        "equipment,medium_high,implemented,2400.0,150.0,,,1997-02-01,,",
    )
    result = run(files(tmp_path, options=options))
    assert refused(result, "feasibility.csv, row 3, negative_npv_reason", "negative")
    reason = (
        "Energy saved only; no discharge changes,",
        "Energy saved only; no discharge changes,Required by the provincial energy plan",
    )
    result = run(files(tmp_path, options=options, feasibility=reason))
    assert result.ok, errors(result)
    assert Option.objects.get(audit__ref="H-1996-01", code="F05").status == "implemented"


def test_an_analysis_is_for_a_medium_high_fee_option_with_its_figures(register, tmp_path):
    row = "\nH-1996-01,F01,10,10,33,8,,,"
    result = run(files(tmp_path, feasibility=sample("feasibility").rstrip("\n") + row))
    assert refused(result, "feasibility.csv, row 6, option_code", "no/low-fee option")
    without_investment = ("medium_high,selected,1200.0,260.0", "medium_high,selected,,260.0")
    result = run(files(tmp_path, options=without_investment))
    assert refused(result, "feasibility.csv, row 5, option_code", "has no investment")
    without_benefit = ("medium_high,selected,1200.0,260.0", "medium_high,selected,1200.0,")
    result = run(files(tmp_path, options=without_benefit))
    assert refused(result, "feasibility.csv, row 5, option_code", "has no annual benefit")
    unknown = ("H-2000-01,F02,15", "H-2000-01,F09,15")
    result = run(files(tmp_path, feasibility=unknown))
    assert refused(result, "feasibility.csv, row 5, option_code", "has no option “F09”")
    bad_years = ("H-2000-01,F02,15,10", "H-2000-01,F02,51,0")
    result = run(files(tmp_path, feasibility=bad_years))
    assert refused(result, "feasibility.csv, row 5, life_years")
    assert refused(result, "feasibility.csv, row 5, depreciation_years")


def test_the_end_of_an_audit_keeps_its_order(register, tmp_path):
    # An assessment before the eight steps are complete.
    early = ("H-2000-01,DEMO-0003,2000-09-01,5,Sulphuric acid plant,,", "")
    early = (early[0], "H-2000-01,DEMO-0003,2000-09-01,5,Sulphuric acid plant,pass,2001-05-01")
    result = run(files(tmp_path, audits=early))
    assert refused(result, "audits.csv, row 4, assessment", "all eight steps")
    # An acceptance without a passed assessment.
    failed = ("pass,1998-04-02,81,pass", "fail,1998-04-02,81,pass")
    result = run(files(tmp_path, audits=failed))
    assert refused(result, "audits.csv, row 3, acceptance", "passed assessment")
    # A demonstration without an acceptance.
    demonstration = ("H-2000-01,DEMO-0003,2000-09-01,5,Sulphuric acid plant,,,,,,,no", "")
    demonstration = (demonstration[0], demonstration[0].replace(",no", ",yes"))
    result = run(files(tmp_path, audits=demonstration))
    assert refused(result, "audits.csv, row 4, demonstration", "passed acceptance")
    # An acceptance dated before the assessment.
    backwards = ("national_centre,1997-06-15", "national_centre,1997-03-01")
    result = run(files(tmp_path, audits=backwards))
    assert refused(result, "audits.csv, row 2, accepted_on", "before the assessment")


def test_an_option_keeps_to_its_audit(register, tmp_path):
    early = ("management,low_no,implemented,0.5,12.0,0.6,11.5,1996-07-01", "")
    early = (early[0], early[0].replace("1996-07-01", "1996-01-01"))
    result = run(files(tmp_path, options=early))
    assert refused(result, "options.csv, row 2, implemented_on", "before its audit started")
    stray = ("H-2000-01,F03,", "H-2001-09,F03,")
    result = run(files(tmp_path, options=stray))
    assert refused(result, "options.csv, row 12, audit_ref", "no audit with reference")
    actual = (
        "process_control,low_no,selected,1.0,3.0,,",
        "process_control,low_no,selected,1.0,3.0,2,",
    )
    result = run(files(tmp_path, options=actual))
    assert refused(result, "options.csv, row 10, actual_investment_10k_yuan", "implemented")


def test_a_balance_row_is_checked_cell_by_cell(register, tmp_path):
    bad = ("H-1997-01,input,Coal,62000,t/a", "H-1997-01,sideways,Coal,-5,t/a")
    result = run(files(tmp_path, balance=bad))
    assert refused(result, "balance.csv, row 8, direction", "not one of the codes")
    assert refused(result, "balance.csv, row 8, quantity")


def test_an_accepted_audit_is_locked(register, tmp_path):
    assert run(files(tmp_path)).ok
    changed = ("Top-gas recovery turbine", "Top-gas turbine")
    result = run(files(tmp_path, options=changed))
    assert not result.ok and any(
        m.startswith("options.csv, row 6") and "locked" in m for m in errors(result)
    ), errors(result)
    balance = ("H-1996-01,output,Sinter,1380000", "H-1996-01,output,Sinter,1390000")
    result = run(files(tmp_path, balance=balance))
    assert any(
        m.startswith("balance.csv, row 2, audit_ref") and "locked" in m for m in errors(result)
    )
    feasibility = ("H-1996-01,F04,15,10,33,8", "H-1996-01,F04,20,10,33,8")
    result = run(files(tmp_path, feasibility=feasibility))
    assert any(m.startswith("feasibility.csv, row 2") and "locked" in m for m in errors(result))
    assert MaterialBalanceLine.objects.get(item="Sinter").quantity == 1380000
    # Unlocked by an administrator, with a reason, the same change goes in.
    from audits.services import unlock_audit

    audit = Audit.objects.get(ref="H-1996-01")
    from django.contrib.auth.models import Group, User

    admin = User.objects.create_user("history-admin")
    admin.groups.add(Group.objects.get(name="administrator"))
    unlock_audit(audit, admin, "Balance corrected from the plant's records")
    result = run(files(tmp_path, balance=balance))
    assert result.ok, errors(result)
    assert MaterialBalanceLine.objects.get(item="Sinter").quantity == 1390000
    assert AuditUnlock.objects.get().is_open


def test_a_closed_year_is_refused(register, tmp_path):
    from reports.models import YearClosing

    YearClosing.objects.create(year=1997, closed_at=timezone.now(), closed_by_name="office")
    result = run(files(tmp_path))
    assert not result.ok and any("1997" in m or "closed year" in m for m in errors(result)), errors(
        result
    )
    assert not Audit.objects.exists()


def test_errors_in_chinese_name_the_file_row_and_column(register, tmp_path):
    balance = "\n".join(line for line in sample("balance").splitlines() if "H-1997-01" not in line)
    with translation.override("zh-hans"):
        result = run(files(tmp_path, balance=balance))
        (message,) = errors(result)
    assert message.startswith("audits.csv，第 3 行，已完成步骤列（steps_completed）：")
    assert "物料平衡" in message
