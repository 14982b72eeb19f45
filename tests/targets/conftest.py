"""Small builders for the target system: departments, indicators, targets and actuals."""

from decimal import Decimal

import pytest

from targets.models import Actual, Department, Indicator, Target


@pytest.fixture
def department(db) -> Department:
    return Department.objects.create(code="epb", name="市环境保护局", name_en="EPB")


@pytest.fixture
def make_indicator(db, department):
    def make(code: str = "cod", **fields) -> Indicator:
        values = {
            "dimension": "environmental",
            "name": f"指标{code}",
            "name_en": f"Indicator {code}",
            "unit": "t",
            "direction": "lower",
            "department": department,
        } | fields
        return Indicator.objects.create(code=code, **values)

    return make


@pytest.fixture
def make_target(db):
    def make(indicator, baseline=(1996, "100"), goal=(2000, "80")) -> Target:
        return Target.objects.create(
            indicator=indicator,
            baseline_year=baseline[0],
            baseline_value=Decimal(baseline[1]),
            goal_year=goal[0],
            goal_value=Decimal(goal[1]),
        )

    return make


@pytest.fixture
def make_actuals(db):
    def make(indicator, values: dict[int, str], source: str = "entered") -> list[Actual]:
        return [
            Actual.objects.create(indicator=indicator, year=y, value=Decimal(v), source=source)
            for y, v in values.items()
        ]

    return make
