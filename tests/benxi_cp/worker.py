"""Real worker processes for the fault tests: the test's database as another process reaches
it, and `manage.py db_worker` started on it (with the "held" kind of job of
tests/benxi_cp/held_jobs, a short lease and heartbeat)."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection, connections

ROOT = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 2
HEARTBEAT_SECONDS = 1


def wait_for(condition: Callable[[], object], what: str, seconds: float = 120) -> object:
    """Poll `condition` until it is true (its value), or fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"waited {seconds} s for {what}")
        time.sleep(0.1)


@pytest.fixture
def shared_database(transactional_db, tmp_path):
    """The URL another process opens the test's database with. PostgreSQL: the test
    database itself. SQLite: the test database is in memory, so it is copied to a file,
    which this process then uses too (its connection and any thread's) until the test ends."""
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        user, host, port = settings_dict["USER"], settings_dict["HOST"], settings_dict["PORT"]
        yield f"postgres://{user}@{host}:{port or 5432}/{settings_dict['NAME']}"
        connections.close_all()
        return
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    connection.connection.backup(copy)
    copy.close()
    in_memory, name = connection.connection, settings_dict["NAME"]
    connection.connection = None  # an in-memory database's connection is never closed
    settings_dict["NAME"] = str(path)
    try:
        yield f"sqlite:///{path}"
    finally:
        connection.close()
        settings_dict["NAME"] = name
        connection.connection = in_memory


class Worker:
    """One `manage.py db_worker` process; its output in `log`."""

    def __init__(self, database_url: str, log: Path, settings):
        self.log = log
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.benxi_cp.worker_settings",
            "DATABASE_URL": database_url,
            "BENXI_VAR_DIR": str(settings.VAR_DIR),
            "BENXI_JOB_LEASE_SECONDS": str(LEASE_SECONDS),
            "BENXI_JOB_HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS),
            "BENXI_FIGURES_LEASE_SECONDS": str(settings.BENXI_FIGURES_LEASE_SECONDS),
            "DEBUG": "1",
            "PYTHONUNBUFFERED": "1",
        }
        location = str(settings.CACHES["default"].get("LOCATION", ""))
        if location.startswith("redis://"):  # the test's shared cache: the worker's too
            env["REDIS_URL"] = location
        with log.open("ab") as output:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
                + ["--interval", "0.1", "--verbosity", "1"],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """As the kernel's out-of-memory killer or a power cut would: no clean-up."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)

    def stop(self) -> None:
        if self.alive:
            self.process.terminate()
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def start_worker(shared_database, tmp_path, settings):
    """start_worker() starts a worker process on the test's database (stopped at the end)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.BENXI_JOB_LEASE_SECONDS = LEASE_SECONDS
    settings.BENXI_JOB_HEARTBEAT_SECONDS = HEARTBEAT_SECONDS
    started: list[Worker] = []

    def start() -> Worker:
        worker = Worker(shared_database, tmp_path / f"worker-{len(started)}.log", settings)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture
def held_kind():
    """The "held" kind of job, known to this process too (the workers find it by its app)."""
    from benxi_cp.registry import registry
    from tests.benxi_cp.held_jobs.jobs import KIND

    with registry.job_kinds.override(KIND):
        yield KIND
