"""The importers of material balances and feasibility analyses on their own
(docs/formats/balance.md, feasibility.md): the samples, the columns the formats list, a
balance replaced whole, an analysis created then replaced, and the refusals."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from audits.models import Audit, MaterialBalanceLine, Option, OptionFeasibility
from benxi_cp import formats
from benxi_cp.importers import get_importer
from tests.audits.conftest import passed
from tests.fixtures import FORMATS_DIR

pytestmark = pytest.mark.django_db

BALANCE = "audit_ref,direction,item,quantity,unit\n"
FEASIBILITY = "audit_ref,option_code,life_years,depreciation_years,tax_rate_pct,discount_rate_pct\n"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def samples(db):
    """The register, audits and options samples, imported."""
    for kind in ("enterprises", "audits", "options"):
        result = get_importer(kind)().run(
            (FORMATS_DIR / f"{kind}.sample.csv").read_bytes(), "f.csv"
        )
        assert result.ok, [str(issue) for issue in result.errors]


def run(kind: str, text: str, user=None, dry_run: bool = False):
    return get_importer(kind)(user=user).run(text.encode(), "f.csv", dry_run=dry_run)


def errors(result) -> list[str]:
    return [str(issue) for issue in result.errors]


def documented_columns(name: str) -> list[str]:
    lines = formats.document_text(name).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| column |"))
    columns = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        columns.append(line.strip("|").split("|")[0].strip())
    return columns


@pytest.mark.parametrize("kind", ["balance", "feasibility"])
def test_each_importer_accepts_exactly_the_columns_its_format_lists(kind):
    assert documented_columns(kind) == list(get_importer(kind).columns)


def test_the_formats_are_those_of_the_shared_documents():
    """Copied as they were given (the repository's copies add notes at their end only)."""
    for name in ("balance", "feasibility", "audit-history"):
        text = (FORMATS_DIR / f"{name}.md").read_text(encoding="utf-8")
        assert text.startswith(f"# {name.replace('-', ' ')}")
        assert name in formats.DOCUMENTS


def test_the_samples_import_and_complete_the_audits(samples):
    result = run("balance", (FORMATS_DIR / "balance.sample.csv").read_text())
    assert result.ok, errors(result)
    assert (result.created, result.updated) == (9, 0)
    result = run("feasibility", (FORMATS_DIR / "feasibility.sample.csv").read_text())
    assert result.ok, errors(result)
    assert (result.created, result.updated) == (1, 0)
    option = Option.objects.get(audit__ref="A-1997-01", code="F03")
    analysis = option.feasibility
    assert (analysis.investment_10k_yuan, analysis.annual_net_saving_10k_yuan) == (
        Decimal("850"),
        Decimal("310"),
    )
    assert (analysis.life_years, analysis.depreciation_years, analysis.discount_rate_pct) == (
        15,
        10,
        Decimal("8"),
    )
    # With both, the audit moves on to its end through the audits' own file.
    later = (
        "ref,enterprise_code,started_on,steps_completed,assessment,assessed_on\n"
        "A-1997-01,DEMO-0001,1997-03-01,8,pass,1998-05-10\n"
    )
    result = run("audits", later)
    assert result.ok, errors(result)
    assert Audit.objects.get(ref="A-1997-01").steps_completed == 8


def test_a_balance_file_replaces_an_audits_balance_whole(samples):
    assert run("balance", (FORMATS_DIR / "balance.sample.csv").read_text()).ok
    audit = Audit.objects.get(ref="A-1997-01")
    result = run(
        "balance", BALANCE + "A-1997-01,input,Water,10,m3/a\nA-1997-01,output,Steam,9,m3/a\n"
    )
    assert result.ok, errors(result)
    assert (result.created, result.updated) == (0, 2)
    assert list(audit.balance_lines.values_list("item", "quantity", "position")) == [
        ("Water", Decimal("10"), 0),
        ("Steam", Decimal("9"), 1),
    ]
    assert Audit.objects.get(ref="A-1999-01").balance_lines.count() == 4  # untouched


def test_a_balance_row_is_refused_cell_by_cell_and_nothing_is_written(samples):
    text = BALANCE + (
        "A-1997-01,input,Water,10,m3/a\n"
        "A-1997-01,sideways,Steam,-1,m3/a\n"
        "A-2050-01,input,Coal,5,t/a\n"
        "A-1997-01,output,,5,\n"
    )
    result = run("balance", text)
    found = errors(result)
    assert any(m.startswith("row 3, direction") for m in found), found
    assert any(m.startswith("row 3, quantity") for m in found), found
    assert any(m.startswith("row 4, audit_ref") and "A-2050-01" in m for m in found), found
    assert any(m.startswith("row 5, item") for m in found) and any(
        m.startswith("row 5, unit") for m in found
    )
    assert not MaterialBalanceLine.objects.exists()


def test_an_accepted_audits_balance_is_refused_unless_it_is_the_same(samples):
    sample = (FORMATS_DIR / "balance.sample.csv").read_text()
    assert run("balance", sample).ok
    audit = Audit.objects.get(ref="A-1997-01")
    analysis = (FORMATS_DIR / "feasibility.sample.csv").read_text()
    assert run("feasibility", analysis).ok
    passed(Audit.objects.get(pk=audit.pk), accepted=datetime.date(1999, 9, 1))
    assert run("balance", sample).ok  # the balance it has: nothing changes
    result = run("balance", sample.replace("1380000", "1390000"))
    assert not result.ok and errors(result)[0].startswith("row 2, audit_ref")
    assert "locked" in errors(result)[0]
    result = run("feasibility", analysis.replace("F03,15,10", "F03,20,10"))
    assert not result.ok and "locked" in errors(result)[0]


def test_an_analysis_is_created_then_replaced(samples):
    assert run("feasibility", FEASIBILITY + "A-1997-01,F03,15,10,33,8\n").ok
    result = run(
        "feasibility",
        FEASIBILITY.replace("\n", ",technical_evaluation\n") + "A-1997-01,F03,12,12,25,6,Proven\n",
    )
    assert result.ok, errors(result)
    assert (result.created, result.updated) == (0, 1)
    analysis = OptionFeasibility.objects.get()
    assert (analysis.life_years, analysis.tax_rate_pct, analysis.technical_evaluation) == (
        12,
        Decimal("25"),
        "Proven",
    )


def test_an_analysis_is_refused_for_what_has_none(samples):
    text = FEASIBILITY + (
        "A-1997-01,F01,15,10,33,8\n"  # a no/low-fee option
        "A-1999-01,F01,15,10,33,8\n"  # no annual benefit
        "A-1997-01,F09,15,10,33,8\n"  # no such option
        "A-1997-01,F03,0,51,101,-1\n"  # out of range
        "A-1997-01,F03,15,10,33,8\n"  # twice
    )
    found = errors(run("feasibility", text))
    assert any(m.startswith("row 2, option_code") and "no/low-fee" in m for m in found), found
    assert any(m.startswith("row 3, option_code") and "annual benefit" in m for m in found)
    assert any(m.startswith("row 4, option_code") and "F09" in m for m in found)
    for column in ("life_years", "depreciation_years", "tax_rate_pct", "discount_rate_pct"):
        assert any(m.startswith(f"row 5, {column}") for m in found), (column, found)
    assert any(m.startswith("row 6, option_code") and "duplicate" in m for m in found)
    assert not OptionFeasibility.objects.exists()
    Option.objects.filter(code="F03").update(investment_10k_yuan=None)
    result = run("feasibility", FEASIBILITY + "A-1997-01,F03,15,10,33,8\n")
    assert "has no investment" in errors(result)[0]


def test_a_negative_npv_needs_its_reason_once_the_option_is_feasible(samples):
    option = Option.objects.get(audit__ref="A-1997-01", code="F03")
    poor = FEASIBILITY + "A-1997-01,F03,3,3,33,8\n"  # three years: the NPV is negative
    assert run("feasibility", poor).ok
    assert option.feasibility.evaluate().npv < 0
    Option.objects.filter(pk=option.pk).update(status="feasible")
    result = run("feasibility", poor)
    assert errors(result)[0].startswith("row 2, negative_npv_reason"), errors(result)
    reason = (
        FEASIBILITY.replace("\n", ",negative_npv_reason\n") + "A-1997-01,F03,3,3,33,8,Ordered\n"
    )
    assert run("feasibility", reason).ok


def test_an_auditor_imports_only_into_the_audits_of_their_teams(samples, make_user):
    from benxi_cp import roles

    auditor = make_user(roles.AUDITOR, "balance-auditor")
    text = BALANCE + "A-1997-01,input,Water,10,m3/a\n"
    result = run("balance", text, user=auditor)
    assert "no audit with reference" in errors(result)[0]
    Audit.objects.get(ref="A-1997-01").team.add(auditor)
    assert run("balance", text, user=auditor).ok


@pytest.mark.parametrize("kind", ["balance", "feasibility"])
def test_the_import_pages_and_their_format(client_as, kind):
    client = client_as("auditor")
    page = client.get(reverse("import", args=[kind]))
    assert page.status_code == 200
    assert f'href="{reverse("format_document", args=[kind])}"' in page.content.decode()
    assert client_as("leadership").get(reverse("import", args=[kind])).status_code == 403
    assert client.get(reverse("format_document", args=[kind])).status_code == 200
