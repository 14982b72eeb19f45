"""Counts of training and outreach, and totals of incentives, in SQL (plain values back).

- `training_counts(events)`: per year and audience, the events, their hours and their
  participants (from enterprises plus the others), in two grouped queries;
- `incentive_totals(incentives)`: per year and kind, the number and the amount granted.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Sum
from django.db.models.functions import Coalesce, ExtractYear

from programme.models import TrainingParticipation
from programme.outreach.choices import Audience, IncentiveKind

ZERO = Decimal("0")


def _product(left: str, right: str) -> ExpressionWrapper:
    return ExpressionWrapper(
        F(left) * F(right), output_field=DecimalField(max_digits=16, decimal_places=1)
    )


@dataclass
class TrainingCount:
    year: int
    audience: str
    events: int = 0
    hours: Decimal = Decimal("0")
    participants: int = 0
    # participant-hours: each event's hours times its participants
    participant_hours: Decimal = Decimal("0")

    @property
    def audience_label(self) -> str:
        return str(Audience(self.audience).label)


def training_counts(events) -> list[TrainingCount]:
    """Per (year, audience) of `events` (a TrainingEvent queryset), in year then audience
    order (the order of Audience)."""
    counts: dict[tuple[int, str], TrainingCount] = {}
    rows = (
        events.order_by()
        .annotate(year=ExtractYear("held_on"))
        .values("year", "audience")
        .annotate(
            events=Count("pk"),
            total_hours=Coalesce(Sum("hours"), ZERO),
            others=Coalesce(Sum("other_participants"), 0),
            others_hours=Coalesce(Sum(_product("hours", "other_participants")), ZERO),
        )
    )
    for row in rows:
        counts[(row["year"], row["audience"])] = TrainingCount(
            row["year"],
            row["audience"],
            row["events"],
            row["total_hours"],
            row["others"],
            row["others_hours"],
        )
    participations = (
        TrainingParticipation.objects.filter(event__in=events.order_by().values("pk"))
        .order_by()
        .annotate(year=ExtractYear("event__held_on"))
        .values("year", "event__audience")
        .annotate(
            people=Sum("participants"),
            people_hours=Sum(_product("event__hours", "participants")),
        )
    )
    for row in participations:
        count = counts.get((row["year"], row["event__audience"]))
        if count is not None:
            count.participants += row["people"]
            count.participant_hours += row["people_hours"]
    order = {code: index for index, code in enumerate(Audience.values)}
    return sorted(counts.values(), key=lambda c: (c.year, order.get(c.audience, 99)))


def year_by_audience(events, year: int) -> list[TrainingCount]:
    """The five audiences of `year`, those without events at zero, in the Audience order."""
    found = {c.audience: c for c in training_counts(events.filter(held_on__year=year))}
    return [found.get(code, TrainingCount(year, code)) for code in Audience.values]


@dataclass
class IncentiveTotal:
    year: int
    kind: str
    count: int
    amount: Decimal

    @property
    def kind_label(self) -> str:
        return str(IncentiveKind(self.kind).label)


def incentive_totals(incentives) -> list[IncentiveTotal]:
    """Per (year, kind) of `incentives`: how many were granted and their amount (10k yuan)."""
    rows = (
        incentives.order_by()
        .annotate(year=ExtractYear("granted_on"))
        .values("year", "kind")
        .annotate(count=Count("pk"), amount=Sum("amount_10k_yuan"))
        .order_by("year", "kind")
    )
    return [IncentiveTotal(r["year"], r["kind"], r["count"], r["amount"]) for r in rows]


def totals_grid(totals: list[IncentiveTotal]) -> dict:
    """The totals as a grid: a row per year with the amount of each kind and the year's total,
    and a total row."""
    kinds = list(IncentiveKind.values)
    years: dict[int, dict] = {}
    column_totals = {kind: Decimal("0") for kind in kinds}
    for total in totals:
        row = years.setdefault(
            total.year, {"year": total.year, "cells": dict.fromkeys(kinds), "amount": 0, "count": 0}
        )
        row["cells"][total.kind] = total.amount
        row["amount"] += total.amount
        row["count"] += total.count
        column_totals[total.kind] += total.amount
    rows = [
        {**row, "cells": [row["cells"][kind] for kind in kinds]}
        for _y, row in sorted(years.items())
    ]
    return {
        "kinds": [IncentiveKind(kind).label for kind in kinds],
        "rows": rows,
        "totals": [column_totals[kind] for kind in kinds],
        "total": sum(column_totals.values(), Decimal("0")),
        "count": sum(row["count"] for row in rows),
    }
