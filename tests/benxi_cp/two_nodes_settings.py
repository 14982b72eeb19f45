"""Settings of the web nodes and the worker that tests/benxi_cp/two_nodes.py starts: the
production settings, with the static files served from their folders (no collectstatic: the
check must be short), the fast password hash of the tests, figures computed by the request
that finds them stale (not by a thread: the check reads when a figure was computed), and the
test's "held" kind of job."""

from benxi_cp.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
BENXI_FIGURES_REFRESH = "request"
INSTALLED_APPS = [*INSTALLED_APPS, "tests.benxi_cp.held_jobs"]  # noqa: F405
