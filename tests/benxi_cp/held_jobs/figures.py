"""A figure whose computation waits for a file: the fault tests kill the worker while it
computes (tests/benxi_cp/test_datacache.py)."""

import time
from pathlib import Path

from benxi_cp import datacache
from enterprises.models import Enterprise


@datacache.figure("held-count", depends=("register",))
def held_count(release: str) -> int:
    """The enterprises, once the file `release` exists (`<release>.started` says it waits)."""
    Path(release).with_suffix(".started").touch()
    while not Path(release).exists():
        time.sleep(0.05)
    return Enterprise.objects.count()
