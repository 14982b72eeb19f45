"""Settings of the gunicorn server that `bench --load` starts: the production settings, with
the static files collected into a folder of the run (BENCH_STATIC_ROOT)."""

import os

from benxi_cp.settings import *  # noqa: F403

STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
