"""Charts as SVG (benxi_cp.charts: Agg, Noto Sans CJK SC), cached by the data behind them.

Each chart function takes plain series and returns SVG text; each drawn series carries an
id (`series-<key>`) so that tests and pages can find it. reports/figures.py caches each chart
under the tokens of the scopes it reads (benxi_cp.datacache), so a chart is drawn again
whenever one of them changes.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from decimal import Decimal

from matplotlib import ticker
from matplotlib.figure import Figure

# The project's chart settings (Agg, Noto Sans CJK SC, glyphs as paths, stable ids).
from benxi_cp.charts import PALETTE, new_figure, svg_bytes

GREEN, GOLD, BLUE = PALETTE[0], PALETTE[1], PALETTE[2]
GREY, RED, AMBER = "#8a9a94", "#b02a37", "#e0a800"
PROGRESS_AXIS_MAX = 200.0  # progress beyond this is written at the bar's end
VERSION = "6"  # bump when the drawing changes, so that old drawings are not served
_lock = threading.Lock()  # matplotlib's font cache is not thread-safe


def _figure(width: float = 6.4, height: float = 3.0) -> tuple[Figure, object]:
    figure = new_figure(width, height)
    ax = figure.subplots()
    ax.tick_params(labelsize=9)
    ax.yaxis.label.set_size(9)
    ax.xaxis.label.set_size(9)
    return figure, ax


def _svg(figure: Figure) -> str:
    return svg_bytes(figure).decode("utf-8")


def _floats(values: Sequence) -> list[float]:
    return [float(v) for v in values]


def _name(bars, key: str, points) -> None:
    """Give each bar the id `series-<key>-<point>`, so the SVG says which series it is."""
    for bar, point in zip(bars, points, strict=True):
        bar.set_gid(f"series-{key}-{point}")


def _empty(ax, message: str) -> None:
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", color=GREY, fontsize=11)


def bar_by_year(
    series: Sequence[tuple[int, Decimal | None]],
    key: str,
    ylabel: str,
    empty_message: str,
    marks: Sequence[int] = (),
    mark_label: str = "",
    pending_label: str = "",
) -> str:
    """Bars per year for one series (a pollutant's discharge); `marks` draws a dashed line
    at those years (an enterprise's audits starting). A year whose value is None is not
    complete yet: it gets no bar, only `pending_label` written up from the axis."""
    with _lock:
        figure, ax = _figure()
        if not series:
            _empty(ax, empty_message)
            return _svg(figure)
        years = [year for year, _value in series]
        drawn = [(year, value) for year, value in series if value is not None]
        bars = ax.bar(
            [year for year, _v in drawn], _floats(v for _y, v in drawn), color=GREEN, width=0.65
        )
        _name(bars, key, [year for year, _v in drawn])
        if not drawn:
            ax.set_ylim(0, 1)
            ax.set_yticks([])
        for year, value in series:
            if value is None:
                text = ax.text(
                    year,
                    0,
                    f" {pending_label}",
                    rotation=90,
                    ha="center",
                    va="bottom",
                    fontsize=8,
                    color=GREY,
                )
                text.set_gid(f"pending-{key}-{year}")
        for index, year in enumerate(marks):
            line = ax.axvline(
                year - 0.5,
                color=GOLD,
                linestyle="--",
                linewidth=1.2,
                label=mark_label if index == 0 else None,
            )
            line.set_gid(f"mark-{year}")
        if marks and mark_label:
            ax.legend(loc="upper right", frameon=False, fontsize=8)
        ax.set_ylabel(ylabel)
        ax.set_xticks(years)
        ax.set_xlim(min(years) - 0.6, max(years) + 0.6)
        ax.tick_params(axis="x", labelrotation=0)
        ax.grid(axis="x", visible=False)
        ax.yaxis.set_major_formatter(ticker.StrMethodFormatter("{x:,.0f}"))
        return _svg(figure)


def grouped_bars_by_year(
    years: Sequence[int],
    series: Sequence[tuple[str, str, Sequence[Decimal]]],
    ylabel: str,
    empty_message: str,
) -> str:
    """Side-by-side bars per year, one colour per series: [(key, label, values)]."""
    with _lock:
        figure, ax = _figure()
        if not years:
            _empty(ax, empty_message)
            return _svg(figure)
        width = 0.8 / len(series)
        colours = [GREEN, GOLD, BLUE, GREY]
        for index, (key, label, values) in enumerate(series):
            offset = (index - (len(series) - 1) / 2) * width
            bars = ax.bar(
                [y + offset for y in years],
                _floats(values),
                width=width,
                color=colours[index % len(colours)],
                label=label,
            )
            _name(bars, key, years)
        ax.set_xticks(list(years))
        ax.set_ylabel(ylabel)
        ax.grid(axis="x", visible=False)
        # Above the plot, so that no bar hides behind it whatever the series' heights.
        figure.legend(loc="outside upper center", ncols=len(series), frameon=False, fontsize=8)
        ax.yaxis.set_major_formatter(ticker.StrMethodFormatter("{x:,.0f}"))
        return _svg(figure)


def stacked_bars(
    categories: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[int]]],
    xlabel: str,
    empty_message: str,
) -> str:
    """Horizontal stacked bars per category (aspects), one colour per series (fee classes)."""
    with _lock:
        figure, ax = _figure(6.4, 3.4)
        if not any(any(values) for _k, _l, values in series):
            _empty(ax, empty_message)
            return _svg(figure)
        positions = list(range(len(categories)))[::-1]
        left = [0.0] * len(categories)
        colours = [GREEN, GOLD, BLUE]
        for index, (key, label, values) in enumerate(series):
            bars = ax.barh(
                positions,
                _floats(values),
                left=left,
                height=0.6,
                color=colours[index % len(colours)],
                label=label,
            )
            _name(bars, key, range(len(categories)))
            left = [a + float(b) for a, b in zip(left, values, strict=True)]
        ax.set_yticks(positions, labels=list(categories))
        ax.set_xlabel(xlabel)
        ax.grid(axis="y", visible=False)
        figure.legend(loc="outside upper right", ncols=len(series), frameon=False, fontsize=8)
        return _svg(figure)


def progress_bars(
    rows: Sequence[tuple[str, str, float | None, float | None, str]],
    xlabel: str,
    expected_label: str,
    empty_message: str,
) -> str:
    """Target progress: [(key, label, progress %, expected %, light)] as horizontal bars
    coloured by their traffic light, with the expected progress marked."""
    light_colours = {"green": "#198754", "amber": AMBER, "red": RED, "grey": GREY}
    with _lock:
        figure, ax = _figure(6.4, max(2.4, 0.32 * len(rows) + 1))
        if not rows:
            _empty(ax, empty_message)
            return _svg(figure)
        positions = list(range(len(rows)))[::-1]
        for position, (key, _label, progress, expected, light) in zip(positions, rows, strict=True):
            shown = min(progress or 0.0, PROGRESS_AXIS_MAX)
            bar = ax.barh([position], [shown], height=0.6, color=light_colours.get(light, GREY))
            _name(bar, key, [position])
            if progress is not None and progress > PROGRESS_AXIS_MAX:
                ax.text(shown, position, f" {progress:,.0f}%", va="center", fontsize=8)
            if expected is not None:
                ax.plot(
                    [expected, expected],
                    [position - 0.35, position + 0.35],
                    color="#000",
                    linewidth=1.2,
                )
        ax.plot([], [], color="#000", linewidth=1.2, label=expected_label)
        ax.set_yticks(positions, labels=[label for _k, label, *_rest in rows])
        ax.set_xlabel(xlabel)
        highest = max(100.0, *[min(p or 0.0, PROGRESS_AXIS_MAX) for _k, _l, p, _e, _c in rows])
        ax.set_xlim(min(0.0, *[(p or 0.0) for _k, _l, p, _e, _c in rows]), highest * 1.12)
        ax.grid(axis="y", visible=False)
        figure.legend(loc="outside upper right", frameon=False, fontsize=8)
        return _svg(figure)
