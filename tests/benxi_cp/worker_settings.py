"""Settings of the worker processes the fault tests start (tests/benxi_cp/worker.py): the
test settings, the database backend of the queue, and the test's kind of job."""

from benxi_cp.settings_test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
INSTALLED_APPS = [*INSTALLED_APPS, "tests.benxi_cp.held_jobs"]  # noqa: F405
