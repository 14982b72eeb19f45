"""The demo's environmental investment: the same projects at each load, and only its own."""

import io

import pytest

from programme.investment import demo as demo_investment
from programme.models import EnvironmentalInvestment
from tests.reports.factories import make_enterprise


@pytest.mark.django_db
def test_the_demo_projects_load_again_the_same():
    for number, sector in enumerate(["iron_steel", "power", "chemicals", "machinery"], start=1):
        make_enterprise(f"DEMO-{number:04d}", sector=sector)
    demo_investment.load(io.StringIO())
    first = sorted(EnvironmentalInvestment.objects.values_list("project", "amount_10k_yuan"))
    assert len(first) > 4
    assert EnvironmentalInvestment.objects.filter(status="planned", year__lt=2002).count() == 0
    assert EnvironmentalInvestment.objects.first().history.count() == 1
    demo_investment.load(io.StringIO())
    assert (
        sorted(EnvironmentalInvestment.objects.values_list("project", "amount_10k_yuan")) == first
    )
    assert demo_investment.foreign_records(loaded=True) == {"environmental investments": 0}
    assert demo_investment.foreign_records(loaded=False) == {
        "environmental investments": len(first)
    }
