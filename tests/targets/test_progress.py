"""Progress, on-track and the traffic light on hand-made cases (no database)."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import translation

from targets.progress import (
    AMBER_POINTS,
    assess,
    count_lights,
    expected_share,
    progress_share,
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def target(direction="higher", baseline=(1996, "100"), goal=(2000, "200")):
    indicator = SimpleNamespace(direction=direction, code="x")
    return SimpleNamespace(
        indicator=indicator,
        baseline_year=baseline[0],
        baseline_value=Decimal(baseline[1]),
        goal_year=goal[0],
        goal_value=Decimal(goal[1]),
    )


def d(values: dict[int, str]) -> dict[int, Decimal]:
    return {year: Decimal(v) for year, v in values.items()}


def test_progress_share_is_the_way_from_baseline_to_goal():
    assert progress_share(Decimal(100), Decimal(200), Decimal(150)) == Decimal("50.0")
    assert progress_share(Decimal(100), Decimal(200), Decimal(90)) == Decimal("-10.0")
    assert progress_share(Decimal(100), Decimal(200), Decimal(230)) == Decimal("130.0")
    # lower is better: from 100 down to 80; 95 is a quarter of the way
    assert progress_share(Decimal(100), Decimal(80), Decimal(95)) == Decimal("25.0")
    assert progress_share(Decimal(100), Decimal(100), Decimal(95)) is None
    assert progress_share(Decimal(3), Decimal(0), Decimal(1)) == Decimal("66.7")


def test_expected_share_follows_the_straight_line_and_stays_within_0_and_100():
    assert expected_share(1996, 2000, 1998) == Decimal("50.0")
    assert expected_share(1996, 2002, 1997) == Decimal("16.7")
    assert expected_share(1996, 2000, 2003) == Decimal("100.0")
    assert expected_share(1996, 2000, 1995) == Decimal("0.0")


def test_on_the_line_is_on_track_and_green():
    result = assess(target(), d({1996: "100", 1998: "150"}), 1998)
    assert (result.actual_year, result.actual_value) == (1998, Decimal("150"))
    assert result.progress_pct == Decimal("50.0")
    assert result.expected_pct == Decimal("50.0")
    assert result.on_track is True and result.light == "green"
    assert result.lead_pct == 0


def test_slightly_behind_is_amber_and_far_behind_is_red():
    amber = assess(target(), d({1998: "145"}), 1998)  # 45 % where 50 % is expected
    assert amber.on_track is False and amber.light == "amber"
    assert amber.lead_pct == Decimal("-5.0")
    edge = assess(target(), d({1998: "140"}), 1998)  # exactly AMBER_POINTS behind
    assert edge.lead_pct == -AMBER_POINTS and edge.light == "red"
    red = assess(target(), d({1998: "120"}), 1998)
    assert red.light == "red" and red.on_track is False


def test_moving_the_wrong_way_is_red_even_when_little_was_expected():
    result = assess(target(goal=(2010, "200")), d({1997: "99"}), 1997)
    # expected 7.1 %, progress −1 %: only 8.1 points behind, but the wrong way
    assert result.progress_pct == Decimal("-1.0")
    assert result.lead_pct > -AMBER_POINTS
    assert result.light == "red"


def test_lower_is_better_uses_the_same_share():
    cod = target("lower", baseline=(1996, "10000"), goal=(2000, "8000"))
    ahead = assess(cod, d({1996: "10000", 1997: "9000"}), 1997)
    assert ahead.progress_pct == Decimal("50.0") and ahead.expected_pct == Decimal("25.0")
    assert ahead.light == "green"
    worse = assess(cod, d({1997: "10500"}), 1997)
    assert worse.progress_pct == Decimal("-25.0") and worse.light == "red"


def test_no_actual_yet_is_grey():
    result = assess(target(), {}, 1998)
    assert result.actual_year is None and result.progress_pct is None
    assert result.on_track is None and result.light == "grey"
    later_only = assess(target(), d({1999: "180"}), 1998)  # values after the year don't count
    assert later_only.light == "grey" and later_only.actual_value is None


def test_only_the_baseline_year_known_is_grey_but_shows_the_value():
    result = assess(target(), d({1996: "100"}), 1999)
    assert result.actual_year == 1996 and result.progress_pct == Decimal("0.0")
    assert result.on_track is None and result.light == "grey"
    assert result.stale


def test_the_latest_actual_up_to_the_year_is_assessed_at_its_own_year():
    result = assess(target(), d({1997: "125", 1999: "160", 2001: "300"}), 2000)
    assert result.actual_year == 1999 and result.stale
    assert result.expected_pct == Decimal("75.0")
    assert result.progress_pct == Decimal("60.0") and result.light == "red"


def test_past_the_goal_year_the_whole_way_is_expected():
    reached = assess(target(), d({2002: "210"}), 2003)
    assert reached.expected_pct == Decimal("100.0") and reached.progress_pct == Decimal("110.0")
    assert reached.on_track and reached.light == "green"
    nearly = assess(target(), d({2002: "195"}), 2003)
    assert nearly.light == "amber" and nearly.on_track is False
    missed = assess(target(), d({2001: "150"}), 2001)
    assert missed.light == "red"


# -- a test per case: goal on either side of the baseline, either direction ----------------
def test_higher_is_better_goal_above_the_baseline_is_a_path():
    noise = target("higher", baseline=(1996, "70"), goal=(2000, "80"))
    ahead = assess(noise, d({1998: "76"}), 1998)
    assert ahead.kind == "path" and not ahead.is_limit
    assert (ahead.progress_pct, ahead.expected_pct, ahead.light) == (
        Decimal("60.0"),
        Decimal("50.0"),
        "green",
    )
    assert ahead.moved_away_by is None and not ahead.goal_reached
    reached = assess(noise, d({2000: "81"}), 2001)
    assert reached.goal_reached and reached.light == "green"


def test_higher_is_better_worse_than_the_baseline_says_by_how_much_not_a_negative_share():
    # The demo's noise compliance: 70 % in 1996, 80 % by 2000, 68.8 % in 2001.
    noise = target("higher", baseline=(1996, "70"), goal=(2000, "80"))
    fell = assess(noise, d({2001: "68.8"}), 2001)
    assert fell.progress_pct == Decimal("-12.0") and fell.light == "red"
    assert fell.moved_away_by == Decimal("1.2") and fell.bar_pct == 0
    assert fell.on_track is False and fell.light_label == "Behind"


def test_lower_is_better_goal_below_the_baseline_is_a_path():
    energy = target("lower", baseline=(1996, "4.85"), goal=(2000, "3.90"))
    row = assess(energy, d({1998: "4.40"}), 1998)
    assert row.kind == "path" and row.progress_pct == Decimal("47.4")
    assert row.light == "amber" and row.lead_pct == Decimal("-2.6")
    worse = assess(energy, d({1998: "5.00"}), 1998)
    assert worse.light == "red" and worse.moved_away_by == Decimal("0.15")


def test_lower_is_better_goal_above_the_baseline_is_a_ceiling_met_or_not():
    # The demo's unemployment: 2.9 % in 1996, at most 3.2 % by 2000; 3.7 % in 2001.
    unemployment = target("lower", baseline=(1996, "2.9"), goal=(2000, "3.2"))
    over = assess(unemployment, d({2001: "3.7"}), 2001)
    assert over.kind == "ceiling" and over.is_limit
    assert over.progress_pct is None and over.expected_pct is None and over.lead_pct is None
    assert (over.on_track, over.light, over.light_label) == (False, "red", "Not met")
    assert over.margin == Decimal("0.5") and over.bar_pct == 0
    under = assess(unemployment, d({1998: "3.1"}), 1998)
    assert (under.on_track, under.light, under.light_label) == (True, "green", "Met")
    assert under.margin == Decimal("0.1")
    assert assess(unemployment, d({1998: "3.2"}), 1998).light == "green"  # at the limit
    assert assess(unemployment, d({1998: "2.5"}), 1998).light == "green"  # better still


def test_higher_is_better_goal_below_the_baseline_is_a_floor_met_or_not():
    employment = target("higher", baseline=(1996, "96"), goal=(2000, "95"))
    held = assess(employment, d({1999: "95.5"}), 1999)
    assert held.kind == "floor" and (held.on_track, held.light) == (True, "green")
    fell = assess(employment, d({1999: "94"}), 1999)
    assert (fell.on_track, fell.light, fell.margin) == (False, "red", Decimal("1"))
    assert fell.progress_pct is None and fell.moved_away_by is None


def test_goal_equal_to_the_baseline_is_a_limit_keep_the_level():
    hold = target("higher", baseline=(1996, "95"), goal=(2000, "95"))
    held = assess(hold, d({1998: "96"}), 1998)
    assert held.kind == "floor" and held.progress_pct is None and held.expected_pct is None
    assert held.on_track is True and held.light == "green"
    assert assess(hold, d({1998: "94.9"}), 1998).light == "red"
    low = target("lower", baseline=(1996, "3"), goal=(2000, "3"))
    assert assess(low, d({1998: "2.5"}), 1998).light == "green"
    assert assess(low, d({1998: "3.2"}), 1998).light == "red"
    zero = target("lower", baseline=(1996, "0"), goal=(2000, "0"))
    assert assess(zero, d({1998: "0"}), 1998).light == "green"
    assert assess(zero, d({1998: "1"}), 1998).light == "red"


def test_a_limit_with_nothing_after_the_baseline_is_grey():
    cap = target("lower", baseline=(1996, "100"), goal=(2000, "120"))
    only_baseline = assess(cap, d({1996: "100"}), 1999)
    assert only_baseline.light == "grey" and only_baseline.on_track is None
    assert only_baseline.light_label == "No data yet"
    assert assess(cap, {}, 1999).margin is None


def test_bar_widths_are_steps_of_five_within_0_and_100():
    result = assess(target(), d({1998: "147"}), 1998)
    assert result.bar_pct == 45 and result.expected_bar_pct == 50
    assert assess(target(), d({1998: "260"}), 1998).bar_pct == 100
    assert assess(target(), d({1998: "50"}), 1998).bar_pct == 0
    assert assess(target(), {}, 1998).bar_pct == 0


def test_count_lights():
    rows = [
        assess(target(), d({1998: "150"}), 1998),
        assess(target(), d({1998: "120"}), 1998),
        assess(target(), {}, 1998),
    ]
    assert count_lights(rows) == {"green": 1, "amber": 0, "red": 1, "grey": 1}


@pytest.mark.parametrize("year", [1996, 1997, 2000, 2005])
def test_assess_never_fails_on_a_single_value(year):
    result = assess(target(), d({year: "150"}), 2005)
    assert result.light in {"green", "amber", "red", "grey"}
