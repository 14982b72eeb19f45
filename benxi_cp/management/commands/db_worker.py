"""`manage.py db_worker`: django-tasks' database worker (django_tasks_db), made to hold.

The same command and options, with three changes to how the worker waits and claims:

- It looks for a task with a plain read, and opens a write transaction only to claim one it
  found. The stock worker opens an exclusive transaction every second, idle or not: on
  SQLite that locks the web's saves out ("database is locked").
- A database that goes away (restarted, unreachable for a while) is waited for: the
  connections are closed and opened again after a pause that grows to 30 seconds, and the
  worker carries on, instead of dying with the first error.
- With a read replica (DATABASE_REPLICA_URL) every read of the worker goes to the primary.
- Between tasks, at start and then once a lease (BENXI_JOB_LEASE_SECONDS), it marks failed
  the jobs whose worker was lost (benxi_cp/jobs.py), so that a job left running by a
  killed worker is found even if nobody looks at it.

`make run` and `make serve` run it under deploy/keep-running, which starts it again if it
exits; the systemd unit (deploy/benxi-cp-worker.service) restarts it always.
"""

import contextlib
import logging
import os
import random
import time

from django.conf import settings
from django.core.management.base import CommandError
from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from benxi_cp import jobs, replica

logger = logging.getLogger("django_tasks_db")  # its own lines, as quiet as --verbosity says
# What the worker does about faults is said whatever the verbosity (the project's logging).
faults = logging.getLogger("benxi_cp.worker")

DATABASE_ERRORS = (OperationalError, InterfaceError)
LONGEST_PAUSE = 30  # seconds between two tries of a database that is away


class Worker(db_worker.Worker):
    def run(self) -> None:
        logger.info(
            "Starting worker worker_id=%s queues=%s", self.worker_id, ",".join(self.queue_names)
        )
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # noqa: S311 (no thundering herd of workers)
        self.failures = 0
        self.next_reaping = 0.0
        while self.running:
            try:
                close_old_connections()
                self.reap()
                retrieved, task_result = self.claim()
                if task_result is not None:
                    self.run_task(task_result)
            except DATABASE_ERRORS as error:
                self.wait_for_database(error)
                continue
            self.failures = 0
            if self.batch and retrieved and task_result is None:
                logger.info("No more tasks to run for worker_id=%s - exiting.", self.worker_id)
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                logger.info("Run maximum tasks (%d) - exiting.", self._run_tasks)
                return
            close_old_connections()
            if self.running and task_result is None:
                time.sleep(self.interval)

    def ready_tasks(self):
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        return tasks

    def claim(self) -> tuple[bool, DBTaskResult | None]:
        """(whether the queue could be read, the task claimed or None). The write lock is
        taken only when a task waits."""
        tasks = self.ready_tasks()
        try:
            if not tasks.exists():
                return True, None
            with exclusive_transaction(tasks.db):
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)  # not run by another worker
                return True, task_result
        except OperationalError as error:
            if is_locked_database_exception(error):
                return False, None  # busy: it unlocks, try again at the next round
            raise

    def reap(self) -> None:
        if time.monotonic() < self.next_reaping:
            return
        lost = jobs.reap_lost()
        if lost:
            faults.warning("%d job(s) had lost their worker: marked failed", lost)
        self.next_reaping = time.monotonic() + settings.BENXI_JOB_LEASE_SECONDS

    def wait_for_database(self, error: Exception) -> None:
        """Close every connection (the next query opens a new one) and pause, longer each
        time the database is still away."""
        self.failures += 1
        pause = min(LONGEST_PAUSE, 2 ** (self.failures - 1))
        faults.warning(
            "The database is unavailable (%s); trying again in %s s.",
            str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__,
            pause,
        )
        for connection in connections.all(initialized_only=True):
            with contextlib.suppress(*DATABASE_ERRORS):  # a connection already gone
                connection.close()
        if self.running:
            self.pause(pause)

    def pause(self, seconds: float) -> None:
        time.sleep(seconds)


class Command(db_worker.Command):
    help = (
        "Run the background worker (django-tasks' database backend): it claims queued tasks "
        "without locking the database while idle, waits for a database that went away, and "
        "marks failed the jobs whose worker was lost."
    )

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options,
    ) -> None:
        self.configure_logging(verbosity)
        # With a read replica: a job reads from the primary, what it and the requests before
        # it wrote (benxi_cp/replica.py).
        replica.pin_process()
        reload = reload and not batch
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded_queue_names,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # in the reloader's child only
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
