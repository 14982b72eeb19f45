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


# -- Background jobs of long pages: form exports, closing a year ------
# The same worker and queue run them; each kind's work is a function registered by its app
# (reports/jobs.py), called with the job and a `progress(done, total, stage)` to report its
# steps. It returns the file it produced, (content, file name, content type), or None; a
# ValidationError is a refusal (its messages are kept for the page), anything else a failure.
# Progress goes to a small file as for the imports: closing a year holds its transaction
# (and, on SQLite, the database's one writer) to the end.

RUNNERS: dict = {}
STAGE_LABELS: dict = {}  # kind: function(stage code) -> its label, in the active language


def runner(kind: str, stages=None):
    """Register the function that does the work of jobs of `kind`, and the one that names
    the stages it reports (codes, so that each page names them in its own language)."""

    def register(function):
        RUNNERS[kind] = function
        if stages is not None:
            STAGE_LABELS[kind] = stages
        return function

    return register


def stage_label(job, stage: str) -> str:
    if not stage or job.kind not in STAGE_LABELS:
        return stage
    try:
        return str(STAGE_LABELS[job.kind](stage))
    except (KeyError, ValueError):
        return stage


def job_progress_path(job) -> Path:
    from django.conf import settings

    folder = Path(settings.BENXI_JOB_FILES_DIR) / "progress"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{job.pk}"


def write_job_progress(job, done: int, total: int, stage: str = "") -> None:
    path = job_progress_path(job)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(f"{done} {total} {stage}")
    os.replace(temporary, path)


def read_job_progress(job) -> tuple[int, int, str]:
    """(steps done, steps in all, the stage under way) of a background job."""
    from benxi_cp.models import BackgroundJob

    if job.status == BackgroundJob.Status.RUNNING:
        try:
            done, total, *stage = job_progress_path(job).read_text().split(" ", 2)
            return int(done), int(total), stage_label(job, stage[0] if stage else "")
        except (OSError, ValueError):
            pass
    return job.steps_done, job.steps_total, ""


def start(job) -> None:
    """Queue the stored `job` (its row committed: the request is not one transaction), and
    clean up the finished jobs that are past keeping. With the immediate backend (tests) it
    runs here and now."""
    clean_up()
    run_job.enqueue(job.pk)


def clean_up() -> int:
    """Delete the background jobs finished more than BENXI_JOB_KEEP_HOURS ago, with their
    files; how many."""
    import datetime

    from django.conf import settings

    from benxi_cp.models import BackgroundJob

    now = timezone.now()
    limit = now - datetime.timedelta(hours=settings.BENXI_JOB_KEEP_HOURS)
    # A job still waiting or running after that long lost its worker: it is said to have
    # stopped (its page says so), and goes in its turn.
    BackgroundJob.objects.filter(
        status__in=[BackgroundJob.Status.QUEUED, BackgroundJob.Status.RUNNING], created__lt=limit
    ).update(status=BackgroundJob.Status.FAILED, finished=now)
    old = list(BackgroundJob.objects.filter(finished__lt=limit))
    for job in old:
        discard_job_file(job)
        job.delete()
    return len(old)


def discard_job_file(job) -> None:
    job_progress_path(job).unlink(missing_ok=True)
    if job.file:
        job.file.delete(save=False)


@task()
def run_job(job_id: int) -> None:
    """Do the work of one background job and record how it ended."""
    from django.core.exceptions import ValidationError
    from django.core.files.base import ContentFile

    from benxi_cp.models import BackgroundJob

    claimed = BackgroundJob.objects.filter(pk=job_id, status=BackgroundJob.Status.QUEUED).update(
        status=BackgroundJob.Status.RUNNING, started=timezone.now(), steps_done=0
    )
    if not claimed:
        return  # already run (a task delivered twice), or withdrawn
    job = BackgroundJob.objects.select_related("user").get(pk=job_id)
    steps = [0, 0]

    def progress(done: int, total: int, stage: str = "") -> None:
        steps[:] = [min(done, total), total]
        write_job_progress(job, steps[0], total, stage)

    produced = None
    with translation.override(job.language or None):
        try:
            produced = RUNNERS[job.kind](job, progress)
        except ValidationError as refusal:
            job.status = BackgroundJob.Status.REFUSED
            job.messages = [str(message) for message in refusal.messages]
        except Exception:
            logger.exception("background job %s stopped", job_id)
            job.status = BackgroundJob.Status.FAILED
        else:
            job.status = BackgroundJob.Status.DONE
            steps[0] = steps[1]
    if produced is not None:
        content, filename, content_type = produced
        job.file.save(f"{job.pk}-{filename}", ContentFile(content), save=False)
        job.filename, job.content_type, job.size = filename, content_type, len(content)
    job.steps_done, job.steps_total = steps
    job.finished = timezone.now()
    job_progress_path(job).unlink(missing_ok=True)
    job.save()
