"""The annual discharge ledger: the programme's one rule, rebuilt from the raw reports."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError

from enterprises import ledger
from enterprises.models import AnnualDischarge, DischargeReport, Enterprise, Pollutant
from tests.enterprises.reference import annual_discharge


@pytest.mark.django_db
def test_rebuilt_on_the_demo_it_holds_the_verified_figures_the_reports_compute():
    call_command("load_demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("rebuild_ledger", stdout=out)
    assert out.getvalue().startswith("ledger rebuilt: ")
    figures = ledger.verified_figures()
    assert figures and figures == annual_discharge()
    # 2001 is the demo's year in progress: most enterprises' reports still wait.
    states = ledger.year_states()
    assert states[2000].complete and not states[2001].complete
    assert states[2001].pending > 0
    cod = Pollutant.objects.get(code="COD").pk
    assert ledger.city_total(cod, 2001) is None
    assert ledger.city_total(cod, 2000) == sum(
        amount for (_e, year, p), amount in figures.items() if year == 2000 and p == cod
    )


@pytest.mark.django_db
def test_one_figure_per_enterprise_year_and_pollutant_and_never_negative():
    enterprise = Enterprise.objects.create(code="L1", name="账本", sector="iron_steel")
    cod = Pollutant.objects.get(code="COD")
    row = {"enterprise": enterprise, "year": 2000, "pollutant": cod, "basis": "Y"}
    AnnualDischarge.objects.create(amount=Decimal(1), verified=True, **row)
    with pytest.raises(IntegrityError):
        AnnualDischarge.objects.create(amount=Decimal(2), verified=False, **row)


@pytest.mark.django_db
def test_a_negative_figure_is_refused_by_the_database():
    enterprise = Enterprise.objects.create(code="L2", name="账本二", sector="iron_steel")
    cod = Pollutant.objects.get(code="COD")
    with pytest.raises(IntegrityError):
        AnnualDischarge.objects.create(
            enterprise=enterprise, year=2000, pollutant=cod, basis="Y", amount=-1, verified=True
        )


def ledger_rows(enterprise) -> dict[tuple[int, str], tuple]:
    return {
        (row.year, row.pollutant.code): (row.amount, row.basis, row.verified)
        for row in AnnualDischarge.objects.filter(enterprise=enterprise).select_related("pollutant")
    }


@pytest.mark.django_db
def test_the_workflow_keeps_the_ledger_in_step(
    steel, pollutants, epb_user, epb_verifier, administrator
):
    from enterprises import workflow
    from enterprises.workflow import ValueRow

    def values(**amounts):
        return [
            ValueRow(pollutants[code], Decimal(str(amount)), "measured_sampling")
            for code, amount in amounts.items()
        ]

    report = DischargeReport(enterprise=steel, year=1999)
    workflow.save_report(report, values(COD=10, SO2=4), epb_user)
    assert ledger_rows(steel) == {
        (1999, "COD"): (Decimal(10), "Y", False),
        (1999, "SO2"): (Decimal(4), "Y", False),
    }
    workflow.save_report(report, values(COD=12), epb_user)
    assert ledger_rows(steel) == {(1999, "COD"): (Decimal(12), "Y", False)}
    workflow.submit(report, epb_user)
    workflow.verify(report, epb_verifier)
    assert ledger_rows(steel) == {(1999, "COD"): (Decimal(12), "Y", True)}
    assert ledger.verified_figures() == {(steel.pk, 1999, pollutants["COD"].pk): Decimal(12)}
    workflow.unlock(report, administrator, "wrong unit")
    assert ledger_rows(steel) == {(1999, "COD"): (Decimal(12), "Y", False)}
    assert not ledger.year_complete(1999)
