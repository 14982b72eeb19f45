"""Settings for the test suite: fast hashing, files in a throw-away folder."""

import os
import tempfile

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("BENXI_VAR_DIR", tempfile.mkdtemp(prefix="benxi-test-"))

from benxi_cp.settings import *  # noqa: E402,F403

# The benchmark tooling's commands, tested too (bench/settings.py: not in production).
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
ALLOWED_HOSTS = ["*"]
# Each test runs in one transaction on one connection: a worker could not see its data. The
# background mode is tested on its own (tests/benxi_cp/test_datacache.py).
BENXI_FIGURES_REFRESH = "request"
BENXI_FIGURES_REFRESH_AFTER = 0  # every change is followed at once (tested on its own too)
BENXI_FIGURES_HOLD = 0  # nor held through a correction (tested on its own too)
# pytest runs with DEBUG off; its databases are thrown away (benxi_cp.settings: load_demo).
BENXI_DEMO_ALLOWED = True
# Background imports run at once, in the request that queues them (on commit: tests use
# django_capture_on_commit_callbacks); tests/benxi_cp/test_import_jobs.py also runs the
# database backend's worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # The suite's databases are thrown away: a commit need not wait for the disk.
    DATABASES["default"]["OPTIONS"]["options"] += " -c synchronous_commit=off"  # noqa: F405
