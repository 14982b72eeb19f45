"""Chinese labels in the charts, whatever matplotlib's font cache says; a warning without a font.

A font cache made before fonts-noto-cjk was installed knows no CJK font, and matplotlib
never rebuilds it by itself: benxi_cp.charts registers the font file by its path.
"""

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from django.core import checks
from matplotlib import font_manager

from benxi_cp import charts, fonts
from benxi_cp import checks as benxi_checks

ROOT = Path(__file__).resolve().parent.parent.parent
LABEL = "排放总量"


def _need_font() -> Path:
    path = fonts.find_cjk_font()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("no CJK font on the CI machine: .ci/run installs fonts-noto-cjk")
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    return path


def _glyph_ids(text: str) -> set[str]:
    """The ids the SVG gives the glyph paths of `text` drawn in the CJK family."""
    font = font_manager.get_font(
        font_manager.findfont(font_manager.FontProperties(family=charts.CJK_FONT))
    )
    return {f"{font.postscript_name}-{font.get_char_index(ord(char)):x}" for char in text}


# Run in a child process: build a font cache in a fresh MPLCONFIGDIR, then take every CJK
# entry out of it and write it back, as a cache built before the font was installed.
BUILD_STALE_CACHE = """
import matplotlib
from matplotlib import font_manager as fm
fm.fontManager.ttflist = [f for f in fm.fontManager.ttflist if "CJK" not in f.name]
cache = f"{matplotlib.get_cachedir()}/fontlist-v{fm.FontManager.__version__}.json"
fm.json_dump(fm.fontManager, cache)
"""

# Then, in another child on that cache: draw a chart through benxi_cp.charts and report the
# warnings and the glyphs of the SVG.
DRAW_WITH_STALE_CACHE = """
import json, logging, re, warnings
from matplotlib import font_manager as fm
known_before = any("CJK" in f.name for f in fm.fontManager.ttflist)
messages = []
class Keep(logging.Handler):
    def emit(self, record):
        messages.append(record.getMessage())
logging.getLogger("matplotlib").addHandler(Keep())
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    from benxi_cp.charts import CJK_FONT, new_figure, svg_bytes
    figure = new_figure()
    axes = figure.subplots()
    axes.set_title(LABEL)
    axes.bar([LABEL], [1])
    svg = svg_bytes(figure).decode()
font = fm.get_font(fm.findfont(fm.FontProperties(family=CJK_FONT)))
print(json.dumps({
    "known_before": known_before,
    "warnings": [str(w.message) for w in caught] + messages,
    "expected": sorted(f"{font.postscript_name}-{font.get_char_index(ord(c)):x}" for c in LABEL),
    "ids": re.findall(r'id="([^"]+)"', svg),
}))
"""


def test_a_chart_keeps_its_chinese_with_a_font_cache_made_before_the_font(tmp_path):
    _need_font()
    env = {**os.environ, "MPLCONFIGDIR": str(tmp_path)}
    subprocess.run([sys.executable, "-c", BUILD_STALE_CACHE], env=env, cwd=ROOT, check=True)
    assert list(tmp_path.glob("fontlist-*.json")), "the stale cache was not written"
    draw = f"LABEL = {LABEL!r}\n" + DRAW_WITH_STALE_CACHE
    done = subprocess.run(
        [sys.executable, "-c", draw], env=env, cwd=ROOT, check=True, capture_output=True
    )
    result = json.loads(done.stdout)
    assert result["known_before"] is False  # the cache really did not know the font
    assert not [w for w in result["warnings"] if "missing from font" in w], result["warnings"]
    assert set(result["expected"]) <= set(result["ids"])


@pytest.fixture
def manager_without_cjk(monkeypatch):
    """matplotlib's font manager as a cache made without the CJK font leaves it."""
    manager = font_manager.fontManager
    monkeypatch.setattr(
        manager, "ttflist", [entry for entry in manager.ttflist if "CJK" not in entry.name]
    )
    manager._findfont_cached.cache_clear()
    yield manager
    manager._findfont_cached.cache_clear()


def _draw_chinese() -> tuple[list[str], str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure = charts.new_figure()
        axes = figure.subplots()
        axes.set_title(LABEL)
        svg = charts.svg_bytes(figure).decode()
    return [str(w.message) for w in caught], svg


def test_without_registration_the_glyphs_are_missing(manager_without_cjk):
    """What the registration is for: the same drawing, before it, loses the Chinese."""
    _need_font()
    caught, _svg = _draw_chinese()
    assert [w for w in caught if "missing from font" in w]


def test_registering_the_font_brings_the_glyphs_back(manager_without_cjk):
    path = _need_font()
    assert charts.register_cjk_font(manager_without_cjk) == path
    caught, svg = _draw_chinese()
    assert not [w for w in caught if "missing from font" in w], caught
    assert all(f'id="{glyph}"' in svg for glyph in _glyph_ids(LABEL))


def test_registering_twice_adds_the_font_once(manager_without_cjk):
    path = _need_font()
    charts.register_cjk_font(manager_without_cjk)
    count = len(manager_without_cjk.ttflist)
    charts.register_cjk_font(manager_without_cjk)
    assert len(manager_without_cjk.ttflist) == count
    assert any(entry.fname == str(path) for entry in manager_without_cjk.ttflist)


def test_the_font_is_found_in_a_known_folder(tmp_path):
    assert fonts.find_cjk_font([tmp_path]) is None
    (tmp_path / "NotoSansCJKsc-Regular.otf").write_bytes(b"")
    assert fonts.find_cjk_font([tmp_path]) == tmp_path / "NotoSansCJKsc-Regular.otf"
    (tmp_path / "NotoSansCJK-Regular.ttc").write_bytes(b"")
    assert fonts.find_cjk_font([tmp_path]) == tmp_path / "NotoSansCJK-Regular.ttc"


def test_the_system_check_warns_without_a_cjk_font_and_names_the_package(monkeypatch):
    monkeypatch.setattr(fonts, "find_cjk_font", lambda: None)
    found = [message for message in checks.run_checks() if message.id == "benxi_cp.W001"]
    assert len(found) == 1
    assert found[0].level == checks.WARNING
    assert "fonts-noto-cjk" in found[0].hint


def test_the_system_check_is_silent_with_a_cjk_font(monkeypatch, tmp_path):
    monkeypatch.setattr(fonts, "find_cjk_font", lambda: tmp_path / "NotoSansCJK-Regular.ttc")
    assert benxi_checks.check_cjk_font() == []
