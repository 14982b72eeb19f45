"""Each computed indicator on hand-made records, and recomputation's rules."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from audits.models import Audit
from benxi_cp import guards
from benxi_cp.registry import registry
from enterprises import ledger
from enterprises.models import DischargeReport, DischargeValue, Enterprise, Pollutant
from targets import computations
from targets.computations import recompute
from targets.models import Actual


def enterprise(code: str, slm: bool = False) -> Enterprise:
    return Enterprise.objects.create(
        code=code, name=f"厂{code}", sector="chemicals", state_large_medium=slm
    )


def report(ent, year, values: dict[str, str], status="verified", kind="Y", number=0):
    # Values first, status last: a verified report is locked against new values.
    rep = DischargeReport.objects.create(
        enterprise=ent, year=year, period_kind=kind, period_number=number
    )
    for code, amount in values.items():
        DischargeValue.objects.create(
            report=rep, pollutant=Pollutant.objects.get(code=code), amount=Decimal(amount)
        )
    DischargeReport.objects.filter(pk=rep.pk).update(status=status)
    rep.status = status
    ledger.refresh({(ent.pk, year)})  # as every write path does
    return rep


def audit(ent, started_on: date) -> Audit:
    return Audit.objects.create(
        enterprise=ent, ref=f"A-{ent.code}-{started_on:%Y%m%d}", started_on=started_on
    )


@pytest.mark.django_db
def test_discharge_total_sums_verified_annual_reports_only():
    a, b, c = enterprise("A"), enterprise("B"), enterprise("C")
    report(a, 1998, {"COD": "1200.5", "SO2": "300"})
    report(b, 1998, {"COD": "799.5"})
    report(c, 1998, {"COD": "5000"}, status="submitted")  # not verified
    report(c, 1998, {"COD": "400"}, kind="Q", number=1)  # quarterly, verified
    report(a, 1997, {"COD": "9999"})  # another year
    cod = computations.get("discharge_total_cod")
    assert cod(1998) is None  # C's annual report is not verified: the year is not complete
    DischargeReport.objects.filter(enterprise=c, year=1998, period_kind="Y").update(
        status="verified"
    )
    ledger.refresh({(c.pk, 1998)})
    assert cod(1998) == Decimal("7000.0000")  # C's annual report, not its quarter
    assert computations.get("discharge_total_so2")(1998) == Decimal("300")
    assert cod(1999) is None  # no reports: no value, not zero
    assert computations.get("discharge_total_nh3n")(1998) is None  # nobody reports it


@pytest.mark.django_db
def test_solid_waste_utilisation_rate():
    a, b, c, d = enterprise("A"), enterprise("B"), enterprise("C"), enterprise("D")
    report(a, 1998, {"SW_GEN": "1000", "SW_UTIL": "600"})
    report(b, 1998, {"SW_GEN": "3000", "SW_UTIL": "1800", "SW_DISP": "1000"})
    report(c, 1998, {"SW_UTIL": "9000"})  # utilised without generated: left out
    report(d, 1998, {"SW_GEN": "100000", "SW_UTIL": "0"}, status="returned")
    rate = computations.get("solid_waste_utilisation_rate")
    assert rate(1998) is None  # D's report was returned: the year is not complete
    DischargeReport.objects.filter(enterprise=d).delete()
    ledger.refresh({(d.pk, 1998)})
    assert rate(1998) == Decimal("60.00")  # 2400 / 4000
    report(c, 1999, {"SW_GEN": "300"})  # generated, nothing utilised
    assert rate(1999) == Decimal("0.00")
    assert rate(2000) is None
    report(a, 2001, {"SW_GEN": "0", "SW_UTIL": "0"})
    assert rate(2001) is None  # nothing generated: no rate


@pytest.mark.django_db
def test_enterprises_in_the_programme_by_the_end_of_each_year():
    count = computations.get("enterprises_in_programme")
    assert count(1998) is None  # empty register
    a, b, _c = enterprise("A"), enterprise("B"), enterprise("C")
    audit(a, date(1996, 5, 1))
    audit(a, date(1999, 3, 1))  # a second audit does not count twice
    audit(b, date(1998, 12, 31))
    assert count(1995) == Decimal(0)
    assert count(1997) == Decimal(1)
    assert count(1998) == Decimal(2)
    assert count(2001) == Decimal(2)


@pytest.mark.django_db
def test_coverage_of_state_large_and_medium_enterprises():
    coverage = computations.get("state_large_medium_coverage")
    small = enterprise("S")
    audit(small, date(1996, 1, 1))
    assert coverage(1998) is None  # no state large/medium enterprise in the register
    a, b, c = enterprise("A", slm=True), enterprise("B", slm=True), enterprise("C", slm=True)
    audit(a, date(1997, 6, 1))
    audit(a, date(1998, 6, 1))
    audit(b, date(1999, 6, 1))
    assert coverage(1996) == Decimal("0.0")
    assert coverage(1998) == Decimal("33.3")  # the small enterprise does not count
    assert coverage(1999) == Decimal("66.7")
    audit(c, date(2000, 1, 1))
    assert coverage(2000) == Decimal("100.0")


def test_the_registry_names_each_computation_with_a_label():
    names = set(registry.computations.keys())
    assert {
        "discharge_total_cod",
        "discharge_total_so2",
        "solid_waste_utilisation_rate",
        "enterprises_in_programme",
        "state_large_medium_coverage",
    } <= names
    assert all(str(c.label) for c in registry.computations)
    with pytest.raises(ValueError):
        computations.register("discharge_total_cod", "again")(lambda year: None)


@pytest.mark.django_db
def test_recompute_creates_updates_and_never_overwrites_entered_values(
    make_indicator, administrator
):
    cod = make_indicator("cod", computation="discharge_total_cod")
    so2 = make_indicator("so2", computation="discharge_total_so2")
    nh3 = make_indicator("nh3", computation="discharge_total_nh3n")
    typed = make_indicator("gdp", dimension="economic", direction="higher")
    ghost = make_indicator("ghost", computation="no_such_computation")
    a = enterprise("A")
    rep = report(a, 1998, {"COD": "100", "SO2": "50"})
    Actual.objects.create(indicator=so2, year=1998, value=Decimal("49"), note="EPB figure")
    Actual.objects.create(indicator=typed, year=1998, value=Decimal("7"))

    summary = recompute(1998, user=administrator)
    assert summary.created == ["cod"]
    assert summary.kept_entered == ["so2"]
    assert summary.no_data == ["nh3"]
    assert summary.unknown == ["ghost"]
    computed = Actual.objects.get(indicator=cod, year=1998)
    assert computed.value == Decimal("100") and computed.source == "computed"
    assert computed.created_by == administrator
    entered = Actual.objects.get(indicator=so2, year=1998)
    assert (entered.value, entered.source, entered.note) == (Decimal("49"), "entered", "EPB figure")
    assert Actual.objects.get(indicator=typed).value == Decimal("7")
    assert not Actual.objects.filter(indicator__in=[nh3, ghost]).exists()

    assert recompute(1998).unchanged == ["cod"]
    # A figure corrected after an unlock (a queryset update: verified reports are locked).
    with guards.suspended():  # as the unlock would allow
        rep.values.filter(pollutant__code="COD").update(amount=Decimal("120"))
    ledger.refresh({(a.pk, 1998)})
    assert recompute(1998).updated == ["cod"]
    assert Actual.objects.get(indicator=cod, year=1998).value == Decimal("120")

    # The report no longer counts: its figure goes.
    with guards.suspended():
        DischargeReport.objects.filter(pk=rep.pk).update(status="returned")
    ledger.refresh({(a.pk, 1998)})
    summary = recompute(1998)
    assert summary.removed == ["cod"] and summary.kept_entered == ["so2"]
    assert not Actual.objects.filter(indicator=cod).exists()
    assert Actual.objects.get(indicator=so2).value == Decimal("49")


@pytest.mark.django_db
def test_the_command_recomputes_the_years_it_is_given(make_indicator):
    cod = make_indicator("cod", computation="discharge_total_cod")
    a = enterprise("A")
    report(a, 1997, {"COD": "10"})
    report(a, 1998, {"COD": "8"})
    out = StringIO()
    call_command("recompute_targets", "--year", "1997", "--year", "1998", stdout=out)
    assert "1997: created 1" in out.getvalue() and "1998: created 1" in out.getvalue()
    assert dict(Actual.objects.filter(indicator=cod).values_list("year", "value")) == {
        1997: Decimal("10"),
        1998: Decimal("8"),
    }
    with pytest.raises(CommandError):
        call_command("recompute_targets", "--year", "3000", stdout=out)


@pytest.mark.django_db
def test_verifying_unlocking_and_new_reports_keep_computed_values_current(
    make_indicator, epb_user, administrator, django_capture_on_commit_callbacks
):
    from enterprises import workflow

    cod = make_indicator("cod", computation="discharge_total_cod")
    a, b = enterprise("A"), enterprise("B")
    report(a, 1998, {"COD": "100"})
    pending = report(b, 1998, {"COD": "50"}, status="submitted")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.verify(pending, epb_user)
    assert Actual.objects.get(indicator=cod, year=1998).value == Decimal("150")

    with django_capture_on_commit_callbacks(execute=True):
        workflow.unlock(pending, administrator, "a figure to correct")
    assert not Actual.objects.filter(indicator=cod, year=1998).exists()  # year incomplete

    with django_capture_on_commit_callbacks(execute=True):
        workflow.verify(pending, epb_user)
    assert Actual.objects.get(indicator=cod, year=1998).value == Decimal("150")
    entered = Actual.objects.create(indicator=cod, year=1997, value=Decimal("7"))
    with django_capture_on_commit_callbacks(execute=True):
        workflow.save_report(
            DischargeReport(enterprise=a, year=1997),
            [workflow.ValueRow(Pollutant.objects.get(code="COD"), Decimal("9"), "estimated")],
            epb_user,
        )
    entered.refresh_from_db()
    assert (entered.value, entered.source) == (Decimal("7"), "entered")  # never overwritten


@pytest.mark.django_db
def test_an_imported_batch_keeps_computed_values_current(
    make_indicator, epb_user, django_capture_on_commit_callbacks
):
    from benxi_cp.importers import get_importer

    cod = make_indicator("cod", computation="discharge_total_cod")
    report(enterprise("A"), 1998, {"COD": "100"})
    enterprise("B")
    recompute(1998)
    assert Actual.objects.get(indicator=cod, year=1998).value == Decimal("100")
    # B's report arrives as submitted: 1998 is no longer complete, its total waits.
    content = b"enterprise_code,year,pollutant,amount\nB,1998,COD,50\n"
    with django_capture_on_commit_callbacks(execute=True):
        result = get_importer("discharge")(user=epb_user).run(content, "batch.csv")
    assert result.ok, result.errors
    assert not Actual.objects.filter(indicator=cod, year=1998).exists()


@pytest.mark.django_db
def test_a_draft_s_new_amount_recomputes_nothing_a_new_draft_does(
    make_indicator, epb_user, django_capture_on_commit_callbacks, monkeypatch
):
    """The computed targets read verified figures and each year's state: a new draft
    makes its year incomplete (recomputed: the total goes), a new amount in that draft
    moves neither (not recomputed)."""
    from enterprises import workflow
    from targets import receivers

    cod = make_indicator("cod", computation="discharge_total_cod")
    a, b = enterprise("A"), enterprise("B")
    report(a, 1998, {"COD": "100"})
    recompute(1998)
    assert Actual.objects.get(indicator=cod, year=1998).value == Decimal("100")
    years = []
    monkeypatch.setattr(receivers, "recompute", lambda year: years.append(year) or recompute(year))
    row = [workflow.ValueRow(Pollutant.objects.get(code="COD"), Decimal("9"), "estimated")]
    draft = DischargeReport(enterprise=b, year=1998)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.save_report(draft, row, epb_user)
    assert years == [1998]
    assert not Actual.objects.filter(indicator=cod, year=1998).exists()  # year incomplete

    row = [workflow.ValueRow(Pollutant.objects.get(code="COD"), Decimal("12"), "estimated")]
    with django_capture_on_commit_callbacks(execute=True):
        workflow.save_report(DischargeReport.objects.get(pk=draft.pk), row, epb_user)
    assert years == [1998]  # not again
    assert ledger.year_states([1998])[1998].pending == 1
