"""Imports of large files in the background, with django-tasks and its database backend.

The web request stores the file (ImportJob.file, in the import spool) and queues the job;
the worker (`manage.py db_worker`, a process of its own) runs it: first a check of the file
(a dry run, nothing written), then, when its user confirms on the job's page, the import,
in one transaction, all or nothing, as the page's own imports are. The queue is a table of
the application's database, so neither SQLite nor PostgreSQL needs another server.

While a job runs, its progress is written to a small file beside the stored one: the
job's row cannot show it, since the import's transaction holds it to the end (and SQLite
lets no other connection write meanwhile).
"""

import logging
import os
from pathlib import Path

from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task

from benxi_cp.importers import get_importer
from benxi_cp.models import ImportJob

logger = logging.getLogger(__name__)


def progress_path(job: ImportJob) -> Path:
    return Path(job.file.path + ".progress")


def write_progress(job: ImportJob, done: int, total: int) -> None:
    path = progress_path(job)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(f"{done} {total}")
    os.replace(temporary, path)


def read_progress(job: ImportJob) -> tuple[int, int]:
    """(rows done, rows in all) of a job: from its progress file while it runs."""
    if job.status == ImportJob.Status.RUNNING and job.file:
        try:
            done, total = progress_path(job).read_text().split()
            return int(done), int(total)
        except (OSError, ValueError):
            pass
    return job.rows_done, job.rows_total


def enqueue(job: ImportJob) -> None:
    """Queue `job` once the transaction that stored it commits."""
    transaction.on_commit(lambda: run_import.enqueue(job.pk))


def discard_file(job: ImportJob) -> None:
    if job.file:
        progress_path(job).unlink(missing_ok=True)
        job.file.delete(save=False)


@task()
def run_import(job_id: int) -> None:
    """Check or import the file of one job, and record what was found."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started=timezone.now(), rows_done=0
    )
    if not claimed:
        return  # already run (a task delivered twice), or withdrawn
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    with translation.override(job.language or None):
        try:
            importer = get_importer(job.kind)(user=job.user)
            result = importer.run(
                Path(job.file.path),
                job.filename,
                dry_run=job.dry_run,
                progress=lambda done, total: write_progress(job, done, total),
            )
        except Exception:
            logger.exception("import job %s stopped", job_id)
            job.status = ImportJob.Status.FAILED
            job.finished = timezone.now()
            discard_file(job)
            job.save(update_fields=["status", "finished", "file"])
            return
    job.rows_total = result.rows
    job.rows_done = result.rows if result.ok else 0
    job.created_count, job.updated_count = result.created, result.updated
    job.error_count = result.error_count
    job.errors = [str(issue) for issue in result.errors]
    job.preview = result.preview if job.dry_run else []
    if not result.ok:
        job.status = ImportJob.Status.REFUSED
    elif job.dry_run:
        job.status = ImportJob.Status.CHECKED
    else:
        job.status = ImportJob.Status.DONE
    job.finished = timezone.now()
    if job.status == ImportJob.Status.CHECKED:
        progress_path(job).unlink(missing_ok=True)  # the file waits for the confirmation
    else:
        discard_file(job)
    job.save()
