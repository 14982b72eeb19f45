"""Progress of a target: how far from baseline to goal, whether on track, and a traffic light.

Two kinds of target, told apart by where the goal lies against the baseline (by the
indicator's direction: higher or lower is better):

- A **path** target has a goal better than its baseline: COD from 17,300 t down to 14,705 t,
  noise compliance from 70 % up to 80 %. Its progress is a share of the way.
- A **limit** has a goal no better than its baseline: a **ceiling** when lower is better
  ("at most X": unemployment may rise from 2.9 % but stay at most 3.2 %), a **floor** when
  higher is better ("at least X": employment may fall from 96 % but stay at least 95 %), and
  "keep the level" when the goal equals the baseline. A limit is met or not met; a share of
  the way from baseline to a goal that is worse than the baseline would say nothing (moving
  further past the baseline would read as more "progress").

Definitions for a path target (percentages are rounded to one decimal before they are
compared, so that what a page shows agrees with the verdict it shows):

- The assessed actual is the latest actual value in a year up to the assessed year.
- progress_pct = (actual − baseline) / (goal − baseline) × 100: 0 at the baseline, 100 at
  the goal, above 100 beyond it; below 0 when the indicator moved away from the goal, which
  pages show as "worse than the baseline by …" in the indicator's unit (`moved_away_by`),
  never as a negative share.
- expected_pct = the straight line from baseline year to goal year, at the actual's year:
  (actual year − baseline year) / (goal year − baseline year) × 100, kept within 0–100
  (after the goal year the whole way is expected).
- On track when progress_pct ≥ expected_pct; lead = progress_pct − expected_pct, the points
  the indicator is ahead of the straight line (negative: behind).

The light of a path target:
- grey: no actual value after the baseline year, up to the assessed year (nothing to judge);
- green: on track (lead ≥ 0);
- amber: behind by less than AMBER_POINTS points, and not moving the wrong way;
- red: behind by AMBER_POINTS points or more, or worse than the baseline (progress_pct < 0).

A limit has no progress_pct nor expected_pct. It is met (green) while the actual is at or
better than the limit, not met (red) beyond it, and grey with nothing after the baseline
year; `margin` is how far the actual is from the limit, in the indicator's unit.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from targets.choices import Dimension, Direction, Light

AMBER_POINTS = Decimal("10")
GREEN, AMBER, RED, GREY = Light.GREEN.value, Light.AMBER.value, Light.RED.value, Light.GREY.value
PATH, CEILING, FLOOR = "path", "ceiling", "floor"
LIGHTS = (GREEN, AMBER, RED, GREY)
ONE_DECIMAL = Decimal("0.1")
HUNDRED = Decimal(100)


@dataclass
class TargetProgress:
    target: object
    indicator: object
    year: int
    actual_year: int | None
    actual_value: Decimal | None
    progress_pct: Decimal | None
    expected_pct: Decimal | None
    on_track: bool | None
    light: str
    kind: str = PATH

    @property
    def is_limit(self) -> bool:
        return self.kind != PATH

    @property
    def lead_pct(self) -> Decimal | None:
        """Points ahead of (positive) or behind (negative) the straight line."""
        if self.progress_pct is None or self.expected_pct is None:
            return None
        return self.progress_pct - self.expected_pct

    @property
    def light_label(self) -> str:
        if self.is_limit and self.on_track is not None:
            return str(_("Met") if self.on_track else _("Not met"))
        return str(Light(self.light).label)

    @property
    def moved_away_by(self) -> Decimal | None:
        """A path target worse than its baseline: by how much, in the indicator's unit."""
        if self.is_limit or self.progress_pct is None or self.progress_pct >= 0:
            return None
        return abs(self.actual_value - self.target.baseline_value)

    @property
    def goal_reached(self) -> bool:
        return not self.is_limit and self.progress_pct is not None and self.progress_pct >= 100

    @property
    def margin(self) -> Decimal | None:
        """A limit: how far the actual is from it, in the indicator's unit (≥ 0)."""
        if not self.is_limit or self.actual_value is None:
            return None
        return abs(self.actual_value - self.target.goal_value)

    @property
    def stale(self) -> bool:
        """The latest actual is older than the assessed year."""
        return self.actual_year is not None and self.actual_year < self.year

    @property
    def bar_pct(self) -> int:
        """progress_pct kept within 0–100 and rounded to a step of 5, for a progress bar."""
        return _bar_step(self.progress_pct)

    @property
    def expected_bar_pct(self) -> int:
        return _bar_step(self.expected_pct)


def _bar_step(value: Decimal | None) -> int:
    if value is None:
        return 0
    clamped = min(max(value, Decimal(0)), HUNDRED)
    return int((clamped / 5).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * 5


def _round(value: Decimal) -> Decimal:
    return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def _better(direction: str, a: Decimal, b: Decimal) -> bool:
    """Whether a is better than b for an indicator of `direction`."""
    return a > b if direction == Direction.HIGHER else a < b


def kind_of(direction: str, baseline: Decimal, goal: Decimal) -> str:
    """PATH when the goal is better than the baseline; else a limit: CEILING when lower is
    better ("at most the goal"), FLOOR when higher is better ("at least the goal")."""
    if _better(direction, goal, baseline):
        return PATH
    return FLOOR if direction == Direction.HIGHER else CEILING


def progress_share(baseline: Decimal, goal: Decimal, actual: Decimal) -> Decimal | None:
    """Share of the way from baseline to goal, ×100, one decimal; None for a hold target."""
    if goal == baseline:
        return None
    return _round((actual - baseline) / (goal - baseline) * HUNDRED)


def expected_share(baseline_year: int, goal_year: int, year: int) -> Decimal:
    """The straight line's share at `year`, ×100, within 0–100, one decimal."""
    span = goal_year - baseline_year
    if span <= 0:
        return HUNDRED
    share = Decimal(year - baseline_year) / Decimal(span) * HUNDRED
    return _round(min(max(share, Decimal(0)), HUNDRED))


def light_for(lead: Decimal, wrong_way: bool) -> str:
    if lead >= 0:
        return GREEN
    if wrong_way or lead <= -AMBER_POINTS:
        return RED
    return AMBER


def limit_met(direction: str, limit: Decimal, actual: Decimal) -> bool:
    """At most the limit (lower is better) or at least it (higher is better)."""
    return not _better(direction, limit, actual)


def assess(target, actuals: dict[int, Decimal], year: int) -> TargetProgress:
    """Assess `target` in `year` from its indicator's actual values {year: value}."""
    indicator = target.indicator
    baseline, goal = target.baseline_value, target.goal_value
    known = [y for y in actuals if y <= year]
    actual_year = max(known) if known else None
    actual_value = actuals[actual_year] if actual_year is not None else None
    result = TargetProgress(
        target=target,
        indicator=indicator,
        year=year,
        actual_year=actual_year,
        actual_value=actual_value,
        progress_pct=None,
        expected_pct=None,
        on_track=None,
        light=GREY,
        kind=kind_of(indicator.direction, baseline, goal),
    )
    if actual_value is None:
        return result
    if result.is_limit:
        if actual_year > target.baseline_year:  # else nothing after the baseline: no verdict
            result.on_track = limit_met(indicator.direction, goal, actual_value)
            result.light = GREEN if result.on_track else RED
        return result
    result.progress_pct = progress_share(baseline, goal, actual_value)
    if actual_year <= target.baseline_year:
        return result  # nothing after the baseline yet: no verdict
    result.expected_pct = expected_share(target.baseline_year, target.goal_year, actual_year)
    lead = result.progress_pct - result.expected_pct
    result.on_track = lead >= 0
    result.light = light_for(lead, wrong_way=result.progress_pct < 0)
    return result


def dimension_order(dimension: str) -> int:
    values = list(Dimension.values)
    return values.index(dimension) if dimension in values else len(values)


def overview(year: int, department=None, dimension: str | None = None) -> list[TargetProgress]:
    """Every target assessed in `year`, optionally of one department (a Department or its
    code) and one dimension, in dimension order, then indicator position, code, goal year.

    Two queries, whatever the number of targets: the targets with their indicators and
    departments, and the actual values up to `year` of those indicators.
    """
    from targets.models import Actual, Target

    targets = Target.objects.select_related("indicator__department")
    actuals = Actual.objects.filter(year__lte=year)
    if department is not None:
        code = department if isinstance(department, str) else department.code
        targets = targets.filter(indicator__department__code=code)
        actuals = actuals.filter(indicator__department__code=code)
    if dimension:
        targets = targets.filter(indicator__dimension=dimension)
        actuals = actuals.filter(indicator__dimension=dimension)
    targets = list(targets)
    by_indicator: dict[int, dict[int, Decimal]] = {t.indicator_id: {} for t in targets}
    if targets:
        for indicator_id, actual_year, value in actuals.values_list(
            "indicator_id", "year", "value"
        ):
            if indicator_id in by_indicator:
                by_indicator[indicator_id][actual_year] = value
    targets.sort(
        key=lambda t: (
            dimension_order(t.indicator.dimension),
            t.indicator.position,
            t.indicator.code,
            t.goal_year,
        )
    )
    return [assess(t, by_indicator[t.indicator_id], year) for t in targets]


def count_lights(rows: list[TargetProgress]) -> dict[str, int]:
    counts = dict.fromkeys(LIGHTS, 0)
    for row in rows:
        counts[row.light] += 1
    return counts
