"""Progress of a target: how far from baseline to goal, whether on track, and a traffic light.

Definitions (all percentages are rounded to one decimal before they are compared, so that
what a page shows agrees with the verdict it shows):

- The assessed actual is the latest actual value in a year up to the assessed year.
- progress_pct = (actual − baseline) / (goal − baseline) × 100: 0 at the baseline, 100 at
  the goal; below 0 when the indicator moved away from the goal, above 100 beyond it.
- expected_pct = the straight line from baseline year to goal year, at the actual's year:
  (actual year − baseline year) / (goal year − baseline year) × 100, kept within 0–100
  (after the goal year the whole way is expected).
- A goal better than its baseline (by the indicator's direction) is an improvement target:
  on track when progress_pct ≥ expected_pct. A goal worse than its baseline is a ceiling
  (lower is better) or a floor (higher is better), such as a cap on a pollutant while output
  grows: on track when progress_pct ≤ expected_pct, that is while the indicator stays on the
  good side of the straight line.
- lead = how many points the indicator is ahead of the straight line (negative: behind).

The light:
- grey: no actual value after the baseline year, up to the assessed year (nothing to judge);
- green: on track (lead ≥ 0);
- amber: behind by less than AMBER_POINTS points, and not moving the wrong way;
- red: behind by AMBER_POINTS points or more, or moving the wrong way (an improvement target
  whose actual is worse than its baseline: progress_pct < 0).

A goal equal to its baseline is a hold target (keep the level): there is no share of a way,
so progress_pct and expected_pct are None; it is on track (green) while the actual is at or
better than the goal, amber while it is worse by less than AMBER_POINTS % of the goal's
magnitude, red beyond.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from targets.choices import Dimension, Direction, Light

AMBER_POINTS = Decimal("10")
GREEN, AMBER, RED, GREY = Light.GREEN.value, Light.AMBER.value, Light.RED.value, Light.GREY.value
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

    @property
    def lead_pct(self) -> Decimal | None:
        """Points ahead of (positive) or behind (negative) the straight line."""
        if self.progress_pct is None or self.expected_pct is None:
            return None
        return _sign(self.target, self.indicator) * (self.progress_pct - self.expected_pct)

    @property
    def light_label(self) -> str:
        return str(Light(self.light).label)

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


def _sign(target, indicator) -> int:
    """+1 for an improvement target, −1 for a ceiling or floor (goal worse than baseline)."""
    worse_goal = _better(indicator.direction, target.baseline_value, target.goal_value)
    return -1 if worse_goal else 1


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


def _hold_light(direction: str, goal: Decimal, actual: Decimal) -> tuple[bool, str]:
    if not _better(direction, goal, actual):  # actual at or better than the goal
        return True, GREEN
    shortfall = abs(actual - goal)
    if goal != 0 and shortfall / abs(goal) * HUNDRED < AMBER_POINTS:
        return False, AMBER
    return False, RED


def assess(target, actuals: dict[int, Decimal], year: int) -> TargetProgress:
    """Assess `target` in `year` from its indicator's actual values {year: value}."""
    indicator = target.indicator
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
    )
    if actual_value is None:
        return result
    baseline, goal = target.baseline_value, target.goal_value
    result.progress_pct = progress_share(baseline, goal, actual_value)
    if actual_year <= target.baseline_year:
        return result  # nothing after the baseline yet: no verdict
    if result.progress_pct is None:
        result.on_track, result.light = _hold_light(indicator.direction, goal, actual_value)
        return result
    result.expected_pct = expected_share(target.baseline_year, target.goal_year, actual_year)
    sign = _sign(target, indicator)
    lead = sign * (result.progress_pct - result.expected_pct)
    wrong_way = sign > 0 and result.progress_pct < 0
    result.on_track = lead >= 0
    result.light = light_for(lead, wrong_way)
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
