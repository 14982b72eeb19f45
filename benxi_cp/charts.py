"""SVG charts for every app: matplotlib without a display, a font that has Chinese glyphs.

Build a chart with `new_figure()` (a plain `Figure`, no pyplot state shared between requests),
then return `svg_response(fig)` from a view or `svg_bytes(fig)` for a file. Text is written
as glyph paths (svg.fonttype "path"), so the SVG shows Chinese wherever it is opened, even
through <img>, where page fonts do not apply.
"""

import io

import matplotlib
from django.http import HttpResponse
from matplotlib.figure import Figure

matplotlib.use("Agg")

CJK_FONT = "Noto Sans CJK SC"  # Debian's fonts-noto-cjk
matplotlib.rcParams.update(
    {
        "font.family": "sans-serif",
        # Noto Sans CJK SC has Latin and Chinese glyphs; DejaVu Sans is matplotlib's own
        # fall-back so that a machine without Noto still draws the Latin text.
        "font.sans-serif": [CJK_FONT, "DejaVu Sans"],
        "axes.unicode_minus": False,
        "svg.fonttype": "path",
        "svg.hashsalt": "benxi-cp",  # stable ids: the same chart gives the same bytes
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.color": "#dfe5e2",
        "axes.edgecolor": "#5c6b65",
        "font.size": 10,
    }
)

PALETTE = ["#1f5f4a", "#b8860b", "#0d6efd", "#6f42c1", "#dc3545", "#198754", "#6c757d"]


def new_figure(width: float = 7.5, height: float = 3.6) -> Figure:
    """A blank figure of `width` × `height` inches with the project's chart settings."""
    return Figure(figsize=(width, height), layout="constrained")


def svg_bytes(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def svg_response(fig: Figure) -> HttpResponse:
    response = HttpResponse(svg_bytes(fig), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-cache"
    return response
