"""SVG charts for every app: matplotlib without a display, a font that has Chinese glyphs.

Build a chart with `new_figure()` (a plain `Figure`, no pyplot state shared between requests),
then return `svg_response(fig)` from a view or `svg_bytes(fig)` for a file. Text is written
as glyph paths (svg.fonttype "path"), so the SVG shows Chinese wherever it is opened, even
through <img>, where page fonts do not apply.
"""

import io
from pathlib import Path

import matplotlib
from csp.constants import NONE, UNSAFE_INLINE
from django.http import HttpResponse
from matplotlib import font_manager
from matplotlib.figure import Figure

from benxi_cp.fonts import CJK_FAMILY, find_cjk_font

matplotlib.use("Agg")

CJK_FONT = CJK_FAMILY  # Debian's fonts-noto-cjk


def register_cjk_font(manager: font_manager.FontManager | None = None) -> Path | None:
    """Make the Noto CJK file known to matplotlib, whatever its font cache says.

    matplotlib lists the machine's fonts once, in a cache (MPLCONFIGDIR) that it does not
    rebuild when fonts are installed later: a cache made before fonts-noto-cjk was
    installed leaves every Chinese label as empty boxes. Adding the file by its path makes
    the family known in this process. Returns the file, or None when there is none
    (the system check benxi_cp.W001 says so at start-up).
    """
    manager = manager or font_manager.fontManager
    path = find_cjk_font()
    if path is None:
        return None
    if not any(entry.fname == str(path) for entry in manager.ttflist):
        manager.addfont(path)
    return path


register_cjk_font()
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


# An SVG opened by itself (not through <img>) is a document of its own: matplotlib styles it
# with a <style> element and style attributes, and it needs nothing else. Its policy allows
# exactly that: no script, no fetch.
SVG_POLICY = {"default-src": [NONE], "style-src": [UNSAFE_INLINE], "frame-ancestors": [NONE]}


def svg_http_response(svg: bytes | str, content_type: str = "image/svg+xml") -> HttpResponse:
    """An SVG chart as a response: drawn from the records, so the browser asks again."""
    response = HttpResponse(svg, content_type=content_type)
    response["Cache-Control"] = "private, no-cache"
    response._csp_config = SVG_POLICY  # django-csp's per-response policy (its @csp decorator)
    return response


def svg_response(fig: Figure) -> HttpResponse:
    return svg_http_response(svg_bytes(fig))
