"""The demo target system: its shape, computed values from the records, and idempotence."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum

from enterprises import ledger
from enterprises.models import (
    AnnualDischarge,
    DischargeReport,
    DischargeValue,
    Enterprise,
    Pollutant,
)
from targets import computations
from targets.models import Actual, Department, Indicator, Target
from targets.progress import count_lights, overview


def snapshot():
    return (
        sorted(Department.objects.values_list("code", "name", "name_en")),
        sorted(Indicator.objects.values_list("code", "dimension", "unit", "computation")),
        sorted(Target.objects.values_list("indicator__code", "baseline_year", "baseline_value",
                                          "goal_year", "goal_value")),
        sorted(Actual.objects.values_list("indicator__code", "year", "value", "source")),
    )  # fmt: skip


@pytest.mark.django_db
def test_the_demo_target_system():
    steel = Enterprise.objects.create(code="S-1", name="钢铁厂", sector="iron_steel")
    for year, cod in [(1996, "3000"), (1999, "2500")]:
        report = DischargeReport.objects.create(enterprise=steel, year=year, period_kind="Y")
        DischargeValue.objects.create(
            report=report, pollutant=Pollutant.objects.get(code="COD"), amount=Decimal(cod)
        )
        DischargeReport.objects.filter(pk=report.pk).update(status="verified")
        ledger.refresh({(steel.pk, year)})  # as every write path does
    # An enterprise the demo did not make: it loads beside it only when told to.
    call_command("load_demo", "--force", stdout=StringIO())
    first = snapshot()
    call_command("load_demo", "--force", stdout=StringIO())
    assert snapshot() == first  # idempotent

    indicators = Indicator.objects.all()
    assert 16 <= indicators.count() <= 24
    assert set(indicators.values_list("dimension", flat=True)) == {
        "economic",
        "resource",
        "environmental",
        "social",
    }
    assert Department.objects.count() == 14  # the leading team's fourteen sections
    assert set(Target.objects.values_list("baseline_year", flat=True)) == {1996}
    assert set(Target.objects.values_list("goal_year", flat=True)) <= set(range(2000, 2006))
    for indicator in indicators.filter(computation=""):
        years = set(indicator.actuals.values_list("year", flat=True))
        assert years == set(range(1996, 2002)) or years == {1996}, indicator.code
        assert not indicator.actuals.filter(source="computed").exists()
    for indicator in indicators.exclude(computation=""):
        assert computations.get(indicator.computation) is not None, indicator.code
        assert not indicator.actuals.filter(source="entered").exists(), indicator.code
    # computed from the records (the ledger of the demo's verified reports and the
    # hand-made ones), never typed in, for the years whose figures are all verified; the
    # records set the baseline
    incomplete = {year for year, state in ledger.year_states().items() if not state.complete}
    assert 2001 in incomplete  # the demo's 2001 reports are still being verified
    for code in ("COD", "SO2"):
        indicator = Indicator.objects.get(computation=f"discharge_total_{code.lower()}")
        verified = AnnualDischarge.objects.filter(
            verified=True,
            year__range=(1996, 2001),  # the years the demo computes
            pollutant__code=code,
        )
        expected = {
            year: total
            for year, total in verified.values_list("year").annotate(total=Sum("amount"))
            if year not in incomplete
        }
        assert expected, code
        assert dict(indicator.actuals.values_list("year", "value")) == expected, code
    cod = Indicator.objects.get(computation="discharge_total_cod")
    assert cod.actuals.get(year=1996).value >= Decimal("3000")  # includes the hand-made report
    target = cod.targets.get(goal_year=2000)
    assert abs(target.baseline_value - cod.actuals.get(year=1996).value) < 1  # rounded
    assert target.goal_value < target.baseline_value
    # the leadership sees every light in the demo
    assert all(count_lights(overview(2001)).values())
