"""Where the Chinese font of the charts and PDFs lives on this machine.

Found by looking at a few known paths (Debian's `fonts-noto-cjk` first), not by asking
fontconfig, so that it costs nothing at request time. benxi_cp/charts.py registers the file
with matplotlib; benxi_cp/checks.py warns at start-up when there is none.
"""

from pathlib import Path

CJK_PACKAGE = "fonts-noto-cjk"  # Debian's package
CJK_FAMILY = "Noto Sans CJK SC"  # the face of the files below that draws Simplified Chinese

FONT_DIRS = (
    Path("/usr/share/fonts/opentype/noto"),  # Debian and Ubuntu: fonts-noto-cjk
    Path("/usr/share/fonts/noto-cjk"),  # Arch: noto-fonts-cjk
    Path("/usr/share/fonts/google-noto-cjk"),  # Fedora: google-noto-sans-cjk-fonts
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
)
# The Pan-CJK collection first (every face, Simplified Chinese among them), then the
# Simplified Chinese font alone as older packages ship it.
FONT_FILES = ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf")


def find_cjk_font(dirs=FONT_DIRS) -> Path | None:
    """The first Noto Sans CJK file in the known folders, or None."""
    for name in FONT_FILES:
        for folder in dirs:
            path = Path(folder) / name
            if path.is_file():
                return path
    return None
