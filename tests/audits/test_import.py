"""Import of docs/formats/audits.md and options.md: the sample files, and every rule
refused with its row and column, all or nothing, on the web and the command line."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from audits.models import Audit, Option, OptionReduction
from benxi_cp.importers import get_importer
from enterprises.models import Enterprise
from tests.audits.conftest import analyse, give_balance, passed

AUDIT_HEADER = (
    "ref,enterprise_code,started_on,steps_completed,focus,assessment,assessed_on,"
    "assessment_score,acceptance,accepted_by,accepted_on,demonstration\n"
)
OPTION_HEADER = (
    "audit_ref,code,title,aspect,fee_class,status,investment_10k_yuan,"
    "annual_benefit_10k_yuan,implemented_on,reduction_COD\n"
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def register(db):
    for number in (1, 2):
        Enterprise.objects.create(code=f"DEMO-000{number}", name=f"厂{number}", sector="coal")


def run(kind: str, text: str | bytes, dry_run: bool = False, user=None, name: str = "f.csv"):
    content = text.encode("utf-8") if isinstance(text, str) else text
    return get_importer(kind)(user=user).run(content, name, dry_run=dry_run)


def errors(result) -> list[str]:
    return [str(issue) for issue in result.errors]


def has(result, prefix: str, words: str = "") -> bool:
    return any(m.startswith(prefix) and words in m for m in errors(result))


# -- the sample files -----------------------------------------------------------------------
@pytest.mark.django_db
def test_the_sample_files_import_and_then_update(register, formats_dir):
    """The documented order: the audits (at most two steps), their options, the records the
    later steps need (balance, feasibility analyses), then the audits moved on and accepted;
    an accepted audit is locked, and a file cannot change it."""
    audits = (formats_dir / "audits.sample.csv").read_bytes()
    options = (formats_dir / "options.sample.csv").read_bytes()
    result = run("audits", audits)
    assert result.ok, errors(result)
    assert (result.created, result.updated) == (2, 0)
    first = Audit.objects.get(ref="A-1997-01")
    assert first.steps_completed == 2 and first.steps.filter(status="completed").count() == 2
    assert first.enterprise.cp_status == "auditing"

    result = run("options", options)
    assert result.ok, errors(result)
    assert (result.created, result.updated) == (4, 0)
    leaks = Option.objects.get(audit__ref="A-1997-01", code="F01")
    # Estimate and actual side by side; F02 has no actual figures (counted at its estimate).
    assert (leaks.investment_10k_yuan, leaks.actual_investment_10k_yuan) == (
        Decimal("0.5"),
        Decimal("0.6"),
    )
    assert Option.objects.get(audit__ref="A-1997-01", code="F02").actual_investment_10k_yuan is None
    again = run("options", options)
    assert (again.created, again.updated) == (0, 4)

    # Moving on needs the balance (step 3) and the analyses of the kept medium/high-fee
    # options (step 5): refused without them, with the reason.
    later = AUDIT_HEADER + (
        "A-1997-01,DEMO-0001,1997-03-01,8,Sintering plant,pass,1998-05-10,86,pass,"
        "national_centre,1998-09-01,yes\n"
    )
    result = run("audits", later)
    assert has(result, "row 2, steps_completed", "material balance"), errors(result)
    give_balance(first)
    result = run("audits", later)
    assert has(result, "row 2, steps_completed", "F03"), errors(result)
    analyse(Option.objects.get(audit=first, code="F03"))
    result = run("audits", later)
    assert result.ok, errors(result)
    first.refresh_from_db()
    assert first.steps.filter(status="completed").count() == 8
    assert (first.acceptance, first.accepted_by, first.demonstration) == (
        "pass",
        "national_centre",
        True,
    )
    assert first.enterprise.cp_status == "demonstration"

    # Accepted, so locked: neither file changes it any more.
    changed = options.replace(b"0.6,11.5", b"0.7,11.5")
    result = run("options", changed)
    assert not result.ok and has(result, "row 2", "locked"), errors(result)
    assert Option.objects.get(pk=leaks.pk).actual_investment_10k_yuan == Decimal("0.6")
    result = run("audits", later.replace("1998-09-01", "1998-09-02"))
    assert has(result, "row 2", "locked"), errors(result)
    assert (run("options", options).updated, Option.objects.count()) == (4, 4)  # unchanged rows


@pytest.mark.django_db
def test_an_update_moves_the_steps_and_keeps_what_the_file_leaves_out(register):
    run("audits", AUDIT_HEADER + "R-1,DEMO-0001,1999-01-01,2,焦化车间,,,,,,,\n")
    six = "ref,enterprise_code,started_on,steps_completed\nR-1,DEMO-0001,1999-01-01,6\n"
    result = run("audits", six)
    assert has(result, "row 2, steps_completed", "material balance"), errors(result)
    assert Audit.objects.get().steps_completed == 2
    give_balance(Audit.objects.get())
    result = run("audits", six)
    assert result.ok, errors(result)
    audit = Audit.objects.get()
    assert audit.focus == "焦化车间" and audit.steps_completed == 6
    assert audit.steps.filter(status="completed").count() == 6


# -- audits: each rule refused --------------------------------------------------------------
AUDIT_CASES = [
    # a row, the column the error names, words of the message
    (
        "X-1,DEMO-0001,1999-01-01,7,,pass,2000-01-01,80,,,,no",
        "assessment",
        "after all eight steps",
    ),
    ("X-1,DEMO-0001,1999-01-01,8,,pass,,,,,,no", "assessed_on", "date"),
    (
        "X-1,DEMO-0001,1999-01-01,8,,fail,2000-01-01,50,pass,municipality,2000-02-01,no",
        "acceptance",
        "passed assessment",
    ),
    (
        "X-1,DEMO-0001,1999-01-01,8,,,,,pass,municipality,2000-02-01,no",
        "acceptance",
        "passed assessment",
    ),
    (
        "X-1,DEMO-0001,1999-01-01,8,,pass,2000-03-01,80,pass,municipality,2000-02-01,no",
        "accepted_on",
        "before the assessment",
    ),
    (
        "X-1,DEMO-0001,1999-01-01,8,,pass,2000-03-01,80,pass,,2000-04-01,no",
        "accepted_by",
        "",
    ),
    (
        "X-1,DEMO-0001,1999-01-01,8,,pass,2000-03-01,80,pass,municipality,,no",
        "accepted_on",
        "",
    ),
    (
        "X-1,DEMO-0001,1999-01-01,8,,pass,2000-03-01,80,,,,yes",
        "demonstration",
        "passed acceptance",
    ),
    (
        "X-1,DEMO-0001,1999-01-01,8,,pass,2000-03-01,80,fail,municipality,2000-04-01,yes",
        "demonstration",
        "passed acceptance",
    ),
    (
        "X-1,DEMO-0001,1999-01-01,8,,pass,1998-12-01,80,,,,no",
        "assessed_on",
        "before the audit started",
    ),
    ("X-1,DEMO-0001,1999-01-01,9,,,,,,,,no", "steps_completed", ""),
    ("X-1,DEMO-0001,1999-01-01,8,,pass,2000-03-01,120,,,,no", "assessment_score", ""),
    ("X-1,DEMO-0009,1999-01-01,2,,,,,,,,no", "enterprise_code", "DEMO-0009"),
    ("X-1,DEMO-0001,1999-01-01,2,,maybe,,,,,,no", "assessment", "not one of the codes"),
    ("X-1,DEMO-0001,1999-01-01,2,,,,,,,,perhaps", "demonstration", "not yes or no"),
    ("X-1,DEMO-0001,99-1-1,2,,,,,,,,", "started_on", ""),
    ("X-1,DEMO-0001,1999-01-01,2,,,,,,town_hall,,", "accepted_by", "not one of the codes"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("row,column,words", AUDIT_CASES)
def test_each_audit_rule_is_refused_on_import(register, row, column, words):
    result = run("audits", AUDIT_HEADER + "OK-1,DEMO-0002,1999-01-01,3,,,,,,,,no\n" + row + "\n")
    assert not result.ok
    assert has(result, f"row 3, {column}:", words), errors(result)
    assert not Audit.objects.exists()
    assert Enterprise.objects.get(code="DEMO-0002").cp_status == "none"


@pytest.mark.django_db
def test_an_imported_audit_update_cannot_reopen_an_assessed_audit(register, make_audit):
    audit = passed(make_audit(ref="P-1", enterprise=Enterprise.objects.get(code="DEMO-0001")))
    result = run(
        "audits",
        f"ref,enterprise_code,started_on,steps_completed\n{audit.ref},DEMO-0001,1998-03-01,6\n",
    )
    assert has(result, "row 2, assessment:", "after all eight steps"), errors(result)
    audit.refresh_from_db()
    assert audit.steps_completed == 8
    assert audit.steps.filter(status="completed").count() == 8


@pytest.mark.django_db
def test_duplicate_refs_in_a_file_are_refused(register):
    result = run(
        "audits",
        AUDIT_HEADER + "D-1,DEMO-0001,1999-01-01,1,,,,,,,,\nD-1,DEMO-0002,1999-01-01,1,,,,,,,,\n",
    )
    assert "row 3, ref: duplicate of row 2 in this file" in errors(result)
    assert not Audit.objects.exists()


# -- options: each rule refused -------------------------------------------------------------
@pytest.fixture
def audits(register):
    run("audits", AUDIT_HEADER + "A-1,DEMO-0001,1999-04-01,2,,,,,,,,\n")
    return Audit.objects.get()


OPTION_CASES = [
    ("A-1,F2,Burner,equipment,medium_high,feasible,,,,", "investment_10k_yuan", "investment"),
    (
        "A-1,F2,Burner,equipment,medium_high,implemented,,,2000-01-01,",
        "investment_10k_yuan",
        "investment",
    ),
    ("A-1,F2,Burner,equipment,medium_high,not_feasible,,,,", "investment_10k_yuan", ""),
    ("A-1,F2,Leak,management,low_no,implemented,1,5,1999-03-31,", "implemented_on", "before"),
    ("A-1,F2,Leak,management,low_no,implemented,1,5,,", "implemented_on", "date"),
    ("A-1,F2,Leak,management,low_no,selected,1,5,1999-06-01,", "implemented_on", "Only"),
    ("A-1,F2,Leak,management,low_no,selected,-1,5,,", "investment_10k_yuan", ""),
    ("A-1,F2,Leak,management,low_no,selected,1,-5,,", "annual_benefit_10k_yuan", ""),
    ("A-1,F2,Leak,management,low_no,selected,1,5,,-2", "reduction_COD", ""),
    ("A-1,F2,Leak,management,low_no,selected,1,5,,lots", "reduction_COD", ""),
    ("A-9,F2,Leak,management,low_no,selected,1,5,,", "audit_ref", "A-9"),
    ("A-1,F2,Leak,housekeeping,low_no,selected,1,5,,", "aspect", "not one of the codes"),
    ("A-1,F2,Leak,management,cheap,selected,1,5,,", "fee_class", "not one of the codes"),
    ("A-1,F2,Leak,management,low_no,screened,1,5,,", "status", "not one of the codes"),
    ("A-1,F1,Again,management,low_no,selected,1,5,,", "code", "duplicate of row 2"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("row,column,words", OPTION_CASES)
def test_each_option_rule_is_refused_on_import(audits, row, column, words):
    text = OPTION_HEADER + "A-1,F1,Steam leaks,management,low_no,selected,0.5,,,3\n" + row + "\n"
    result = run("options", text)
    assert not result.ok
    assert has(result, f"row 3, {column}:", words), errors(result)
    assert not Option.objects.exists() and not OptionReduction.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "old,new,ok",
    [
        ("proposed", "selected", True),
        ("proposed", "implemented", False),
        ("selected", "proposed", False),
        ("rejected", "selected", False),
        ("selected", "implemented", True),
        ("implemented", "selected", False),
    ],
)
def test_an_option_update_follows_the_transitions(audits, old, new, ok):
    date = "1999-06-01" if old == "implemented" else ""
    first = run("options", OPTION_HEADER + f"A-1,F1,Leak,management,low_no,{old},1,2,{date},\n")
    assert first.ok, errors(first)
    date = "1999-06-01" if new == "implemented" else ""
    result = run("options", OPTION_HEADER + f"A-1,F1,Leak,management,low_no,{new},1,2,{date},\n")
    assert result.ok is ok, errors(result)
    assert Option.objects.get().status == (new if ok else old)
    if not ok:
        assert has(result, "row 2, status:", "cannot move")


@pytest.mark.django_db
def test_reductions_are_created_updated_and_kept_when_empty(audits):
    header = "audit_ref,code,title,aspect,fee_class,status,reduction_cod,Reduction_SO2\n"
    assert run("options", header + "A-1,F1,Leak,waste,low_no,selected,3.5,\n").ok
    assert run("options", header + "A-1,F1,Leak,waste,low_no,selected,,7\n").ok
    amounts = dict(OptionReduction.objects.values_list("pollutant__code", "amount_per_year"))
    assert amounts == {"COD": 3.5, "SO2": 7}


@pytest.mark.django_db
def test_an_unknown_pollutant_column_is_refused_on_the_header(audits):
    result = run("options", "audit_ref,code,title,aspect,fee_class,status,reduction_PM25\n")
    assert has(result, "row 1, reduction_pm25:", "PM25"), errors(result)
    result = run(
        "options",
        OPTION_HEADER.replace("audit_ref,", "audit,") + "A-1,F,t,waste,low_no,proposed,,,,\n",
    )
    assert "row 1, audit: unknown column" in errors(result)
    assert "row 1, audit_ref: required column is missing" in errors(result)


@pytest.mark.django_db
def test_an_auditor_imports_only_into_their_own_audits(audits, make_user):
    from benxi_cp import roles

    auditor = make_user(roles.AUDITOR, "importing-auditor")
    text = OPTION_HEADER + "A-1,F1,Leak,management,low_no,selected,1,2,,\n"
    result = run("options", text, user=auditor)
    assert has(result, "row 2, audit_ref:", "no audit"), errors(result)
    audits.team.add(auditor)
    result = run("options", text, user=auditor)
    assert result.ok, errors(result)
    assert Option.objects.get().created_by == auditor


@pytest.mark.django_db
def test_a_dry_run_writes_nothing(audits):
    result = run("options", OPTION_HEADER + "A-1,F1,Leak,management,low_no,selected,1,2,,4\n", True)
    assert result.ok and result.created == 1
    assert not Option.objects.exists() and not OptionReduction.objects.exists()


@pytest.mark.django_db
def test_an_xlsx_file_imports_like_a_csv(audits):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(OPTION_HEADER.strip().split(","))
    import datetime

    sheet.append(
        [
            "A-1",
            "F1",
            "堵漏",
            "管理",
            "无/低费",
            "implemented",
            0.5,
            12,
            datetime.date(1999, 6, 1),
            3,
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = run("options", buffer.getvalue(), name="o.xlsx")
    assert result.ok, errors(result)
    option = Option.objects.get()
    assert (option.aspect, option.fee_class, str(option.implemented_on)) == (
        "management",
        "low_no",
        "1999-06-01",
    )


# -- command line and web -------------------------------------------------------------------
@pytest.mark.django_db
def test_the_command_line_importers(register, formats_dir, tmp_path, capsys):
    call_command("import_data", "audits", str(formats_dir / "audits.sample.csv"), "--dry-run")
    assert "would have created 2, updated 0" in capsys.readouterr().out
    assert not Audit.objects.exists()
    call_command("import_data", "audits", str(formats_dir / "audits.sample.csv"))
    call_command("import_data", "options", str(formats_dir / "options.sample.csv"))
    assert "created 4, updated 0" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(
        OPTION_HEADER + "A-1999-01,F01,Burner,equipment,medium_high,implemented,,,2000-01-01,\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="error"):
        call_command("import_data", "options", str(bad))
    err = capsys.readouterr().err
    assert "row 2, status:" in err and "row 2, investment_10k_yuan:" in err
    assert Option.objects.get(audit__ref="A-1999-01").status == "selected"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role,kind,status",
    [
        ("epb_staff", "audits", 200),
        ("auditor", "audits", 403),
        ("leadership", "audits", 403),
        ("auditor", "options", 200),
        ("leadership", "options", 403),
    ],
)
def test_who_may_import(client_as, role, kind, status):
    assert client_as(role).get(reverse("import", args=[kind])).status_code == status


@pytest.mark.django_db
def test_web_import_previews_then_commits(client_as, register, formats_dir):
    client = client_as("epb_staff")
    url = reverse("import", args=["audits"])
    upload = io.BytesIO((formats_dir / "audits.sample.csv").read_bytes())
    upload.name = "audits.csv"
    preview = client.post(url, {"file": upload})
    assert 'id="commit-form"' in preview.content.decode()
    assert not Audit.objects.exists()
    response = client.post(url, {"token": preview.context["token"], "suffix": ".csv"})
    assert response.status_code == 302
    assert Audit.objects.count() == 2
