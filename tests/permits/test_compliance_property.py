"""The compliance computed in SQL against a plain reading of the rules, value by value, on
generated years of monitoring: samples, exceedances, the largest excess, months exceeded,
chronic and serious."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enterprises.models import Pollutant
from permits import compliance
from permits.models import MonitoringValue
from tests.permits.test_permits import make_permit
from tests.reports.factories import make_enterprise

YEAR = 2001
FIRST = datetime.date(YEAR, 1, 1)

values = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=364),  # the day of the year
        st.integers(min_value=0, max_value=3000),  # tenths of mg/L
        st.booleans(),  # below detection
    ),
    max_size=40,
    unique_by=lambda v: v[0],
)


def reference(limits, measured) -> dict:
    """The rules of docs/formats/compliance-summary.md read literally."""
    exceeded, excess = set(), []
    by_month: dict[int, list[tuple[Decimal, Decimal]]] = {}
    for day, value, below in measured:
        limit = limits(day)
        if not below and value > limit:
            exceeded.add(day.month)
            excess.append((value - limit) / limit * 100)
        if not below:
            by_month.setdefault(day.month, []).append((value, limit))
    # A month is serious when its highest value is at least the factor × its day's limit
    # (of equal highest values, any one that is).
    serious = set()
    for month, pairs in by_month.items():
        top = max(value for value, _limit in pairs)
        if any(v == top and v >= limit * compliance.SERIOUS_FACTOR for v, limit in pairs):
            serious.add(month)
    return {
        "samples": len(measured),
        "exceedances": len(excess),
        "max": max(excess) if excess else None,
        "months": len(exceeded),
        "chronic": compliance.in_some_window(exceeded, compliance.CHRONIC_MONTHS),
        "serious": compliance.in_some_window(serious, compliance.SERIOUS_MONTHS),
    }


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    measured=values,
    change=st.integers(min_value=1, max_value=364),
    first_limit=st.integers(min_value=1, max_value=200),
    second_limit=st.integers(min_value=1, max_value=200),
)
def test_the_sql_agrees_with_the_rules_read_value_by_value(
    measured, change, first_limit, second_limit
):
    with transaction.atomic():
        works = make_enterprise("E1")
        switch = FIRST + datetime.timedelta(days=change)
        row = ("DW001", "water", "COD", "daily_mean", "{}", "mg/L", "")
        make_permit(
            works,
            "P1",
            "2000-01-01",
            str(switch - datetime.timedelta(days=1)),
            rows=[row[:4] + (str(first_limit),) + row[5:]],
        )
        make_permit(
            works, "P2", str(switch), "2005-12-31", rows=[row[:4] + (str(second_limit),) + row[5:]]
        )
        cod = Pollutant.objects.get(code="COD")
        taken = []
        for offset, tenths, below in measured:
            day = FIRST + datetime.timedelta(days=offset)
            value = Decimal(tenths) / 10
            MonitoringValue.objects.create(
                enterprise=works,
                outlet="DW001",
                pollutant=cod,
                basis="daily_mean",
                measured_on=day,
                value=value,
                below_detection=below,
            )
            taken.append((day, value, below))

        def limit_on(day):
            return Decimal(first_limit if day < switch else second_limit)

        expected = reference(limit_on, taken)
        [series] = compliance.concentration_rows(YEAR, datetime.date(2030, 1, 1))
        found = {
            "samples": series.samples,
            "exceedances": series.exceedances,
            "max": series.max_exceedance_pct,
            "months": series.months_exceeded,
            "chronic": series.chronic,
            "serious": series.serious,
        }
        if expected["max"] is not None:
            assert found["max"] is not None
            assert abs(found["max"] - expected["max"]) < Decimal("0.0001")
            found["max"] = expected["max"]
        assert found == expected
        transaction.set_rollback(True)
