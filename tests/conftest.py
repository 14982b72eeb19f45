import os

import pytest

# Browser tests drive Playwright's sync API (an event loop) while touching the ORM.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["tests.fixtures"]

# Organisation (programme): builders of bodies, meetings, tasks and departments' staff
pytest_plugins += ["tests.programme.organisation_builders"]

# Real worker processes on the test's database (the background jobs' fault tests)
pytest_plugins += ["tests.benxi_cp.worker"]

# The slowest files first. pytest-django puts the transactional tests (the browser tests
# among them) after the others, so that on two workers (pytest-xdist, a file kept whole on
# one worker) one worker ran the last browser test alone while the other had finished. After a
# transactional test the reference data is put back (tests/fixtures.py): the order is free.
SLOW_FIRST = (
    "tests/browser/",
    "tests/portal/test_crawl.py",
    "tests/api/test_schema.py",
    "tests/bench/",
    "tests/benxi_cp/test_backup.py",
    "tests/benxi_cp/test_production.py",
    "tests/benxi_cp/test_worker_faults.py",
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: not item.nodeid.startswith(SLOW_FIRST))  # stable
