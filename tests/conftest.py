import os

# Browser tests drive Playwright's sync API (an event loop) while touching the ORM.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["tests.fixtures"]

# Organisation (programme): builders of bodies, meetings, tasks and departments' staff
pytest_plugins += ["tests.programme.organisation_builders"]

# Real worker processes on the test's database (the background jobs' fault tests)
pytest_plugins += ["tests.benxi_cp.worker"]
