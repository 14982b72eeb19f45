"""Settings of the gunicorn server that `bench --load` starts: the production settings, with
the static files collected into a folder of the run (BENCH_STATIC_ROOT).

The readers fetch pages, never static files: the manifest (hashed names, as in production)
is kept, the compression of every file (most of collectstatic's time) is left out.
"""

import os

from benxi_cp.settings import *  # noqa: F403

STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
