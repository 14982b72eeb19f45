"""The indicator chart: its actual values over the years and each target's straight line."""

from django.utils.translation import gettext as _
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from benxi_cp.charts import PALETTE, new_figure
from targets.choices import ValueSource
from targets.models import plain_decimal
from targets.progress import CEILING, PATH, kind_of


def indicator_chart(indicator, actuals: list, targets: list) -> Figure:
    """Actual values as a line with markers (computed ones hollow), each target as a dashed
    line from its baseline to its goal (a limit: a dotted level line at its value). Series
    carry SVG ids: `series-actual`, `series-target-<goal year>`."""
    fig = new_figure()
    ax = fig.add_subplot()
    ax.set_title(f"{indicator.display_name} ({indicator.display_unit})", loc="left", fontsize=11)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if not actuals and not targets:
        ax.text(
            0.5,
            0.5,
            _("No values yet"),
            transform=ax.transAxes,
            ha="center",
            va="center",
            color="#6c757d",
        )
        ax.set_xticks([])
        ax.set_yticks([])
        return fig
    for number, target in enumerate(targets):
        color = PALETTE[(number + 1) % len(PALETTE)]
        kind = kind_of(indicator.direction, target.baseline_value, target.goal_value)
        if kind != PATH:
            # A limit holds at its level (at most / at least): a level line, not a way to go.
            sign = "≤" if kind == CEILING else "≥"
            (line,) = ax.plot(
                [target.baseline_year, target.goal_year],
                [float(target.goal_value)] * 2,
                linestyle=":",
                color=color,
                marker="*",
                markevery=[1],
                markersize=11,
                zorder=3,
                label=_("Limit %(sign)s %(value)s (%(baseline)s–%(goal)s)")
                % {
                    "sign": sign,
                    "value": plain_decimal(target.goal_value),
                    "baseline": target.baseline_year,
                    "goal": target.goal_year,
                },
            )
            line.set_gid(f"series-target-{target.goal_year}")
            continue
        (line,) = ax.plot(
            [target.baseline_year, target.goal_year],
            [float(target.baseline_value), float(target.goal_value)],
            linestyle="--",
            color=color,
            marker="*",
            markevery=[1],
            markersize=11,
            zorder=3,  # above the actual values, so that a target met exactly stays visible
            label=_("Target %(baseline)s → %(goal)s")
            % {"baseline": target.baseline_year, "goal": target.goal_year},
        )
        line.set_gid(f"series-target-{target.goal_year}")
    if actuals:
        years = [a.year for a in actuals]
        values = [float(a.value) for a in actuals]
        (line,) = ax.plot(
            years, values, color=PALETTE[0], linewidth=2, marker="o", label=_("Actual value")
        )
        line.set_gid("series-actual")
        computed = [a for a in actuals if a.source == ValueSource.COMPUTED]
        if computed:
            ax.plot(
                [a.year for a in computed],
                [float(a.value) for a in computed],
                linestyle="none",
                marker="o",
                markerfacecolor="white",
                markeredgecolor=PALETTE[0],
                label=str(ValueSource.COMPUTED.label),
            )[0].set_gid("series-computed")
    ax.margins(x=0.05, y=0.15)
    ax.legend(loc="best", fontsize=9, frameon=False)
    return fig
