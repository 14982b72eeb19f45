"""One pipeline for the long work the background worker does for a user: imports of large
files (checked, then confirmed), annual forms' files for large years, closing a year.

A job is a row of benxi_cp.models.Job. Its kind (a JobKind) is declared by the app whose
work it is, and registered from its AppConfig.ready() in `registry.job_kinds`
(docs/development/extension-points.md): its title, the function that does the work, the
stages it reports, who may have its result and where a finished job leads. benxi_cp knows
no kind by name. The path is the same for every kind:

- `submit()` stores the job, with the file it reads, and queues its task in the same
  transaction: no job without its task, no task without its job.
- The worker (`manage.py db_worker`: django-tasks with its database backend, the queue a
  table of the application's database) runs `run_job`. It claims the job (queued →
  running in one conditional UPDATE: a task delivered twice runs once), keeps a heartbeat
  while the work runs, and records the outcome: done (with the file it made), checked,
  refused (ValidationError: its messages are kept for the page) or failed.
- Progress and the heartbeat go to the job's row on PostgreSQL, written from the heartbeat's
  thread on a connection of its own (outside the work's transaction), so that every web node
  reads them. On SQLite they go to a small file per job (BENXI_JOB_FILES_DIR/progress/): the
  work's own transaction may hold SQLite's one writer to the end, and SQLite serves one
  machine, whose nodes share the folder.
- A running job whose heartbeat is older than BENXI_JOB_LEASE_SECONDS lost its worker
  (killed, restarted, its machine down): `reap()` marks it failed and `lost` wherever it
  is looked at (its page, "My jobs", its kind's page, the worker between tasks).
- A failed job keeps the file it read: its user may `retry()` it without uploading again.
  A job that checks first (`dry_run`, an import) stops at "checked"; its user `confirm()`s
  and it is queued again for real.
- `clean_up()` deletes the jobs finished more than BENXI_JOB_KEEP_HOURS ago, with their
  files.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, F, Min
from django.db.models.functions import Now
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy
from django_tasks import task

from benxi_cp import replica
from benxi_cp.models import Job
from benxi_cp.registry import registry

logger = logging.getLogger(__name__)

Progress = Callable[..., None]  # progress(done, total, stage="")


@dataclass
class Outcome:
    """How a run ended, as its kind's work reports it (returning None means done)."""

    status: str = Job.Status.DONE
    messages: list[str] = field(default_factory=list)
    result: dict = field(default_factory=dict)
    file: tuple[bytes, str, str] | None = None  # content, file name, content type
    done: int | None = None  # what was done of what there was to do, when the work
    total: int | None = None  # knows it better than its last progress report


@dataclass(frozen=True)
class JobKind:
    """A kind of job, declared by the app whose work it is and registered from its ready()
    (registry.job_kinds)."""

    name: str
    title: object  # what such a job is, lazily translated ("annual form download")
    run: Callable[[Job, Progress], Outcome | None]
    describe: Callable[[Job], str]  # what one job does, in the active language
    # Who may have its result, confirm it or try it again (its user must still hold them).
    permissions: Sequence[str] | Callable[[Job], Sequence[str]] = ()
    # Or, when given, whether a user may (in place of `permissions`): user, job -> bool.
    may_use: Callable[[object, Job], bool] | None = None
    stages: Callable[[str], str] | None = None  # a stage's code -> its label
    next: Callable[[Job], tuple[str, str]] | None = None  # (url, label) it leads to
    lead_on_done: bool = False  # its page goes on to `next` once it is done
    unit: str = "steps"  # what its progress counts: "steps" or "rows"
    needs_file: bool = False  # it reads a stored file: without it, it cannot run again
    template: str = "generic/job_result.html"  # its page's part for a finished job
    done_text: Callable[[Job], str] | None = None  # a done job without a file says
    failed_text: object = gettext_lazy(
        "The job stopped on an unexpected error and nothing was written. Please try again; "
        "if it happens again, tell the administrator."
    )
    status_labels: Mapping[str, object] = field(default_factory=dict)
    summary: Callable[[Job], str] | None = None  # one line for "My jobs"


def kind_of(job: Job) -> JobKind | None:
    return job.kind_declared


def may(user, job: Job) -> bool:
    """Whether `user` may have the job's result, confirm it or try it again: their own job,
    and the rights its kind asks for, still held."""
    kind = kind_of(job)
    if kind is None or job.user_id != user.pk:
        return False
    if kind.may_use is not None:
        return kind.may_use(user, job)
    permissions = kind.permissions(job) if callable(kind.permissions) else kind.permissions
    return user.has_perms(permissions)


def next_link(job: Job) -> tuple[str, str]:
    """(url, label) of the page a job leads to, or ("", "")."""
    kind = kind_of(job)
    return kind.next(job) if kind and kind.next else ("", "")


# -- Progress and heartbeat --------------------------------------------------------------


def progress_in_row() -> bool:
    """Whether a running job's progress and heartbeat go to its row (PostgreSQL: every web
    node reads them) or to a file beside the database (SQLite, on one machine: the work's own
    transaction holds its one writer, maybe for minutes, so the row cannot be written)."""
    return connection.vendor != "sqlite"


def progress_path(job: Job) -> Path:
    folder = Path(settings.BENXI_JOB_FILES_DIR) / "progress"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / str(job.pk)


def write_progress(job: Job, done: int, total: int, stage: str = "") -> None:
    """Record how far a running job is: `done` of `total`, and the stage under way (a code
    its kind names). Each write is a heartbeat too. In the row, on this thread's connection:
    the work itself reports through its Heartbeat, whose thread has a connection of its own,
    outside the work's transaction."""
    if progress_in_row():
        _write_row(job, done=done, total=total, stage=stage[:64])
        return
    path = progress_path(job)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    temporary.write_text(f"{done} {total} {stage}")
    os.replace(temporary, path)


def _write_row(job: Job, **fields) -> None:
    """Update the running job's row with `fields` and a heartbeat (the database's clock, the
    one every node reads it by). A row locked by another transaction is left alone (the next
    beat writes it) rather than waited for."""
    with transaction.atomic():
        free = list(
            Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, attempts=job.attempts)
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        Job.objects.filter(pk__in=free).update(beat=Now(), **fields)


def forget_progress(job: Job) -> None:
    """A job no longer running: its progress file goes (the row's fields stay, overwritten
    by the outcome)."""
    if not progress_in_row():
        progress_path(job).unlink(missing_ok=True)


def read_progress(job: Job) -> tuple[int, int, str]:
    """(done, to do, the stage's code) of a job: from its row, or its progress file while it
    runs."""
    if progress_in_row():
        return job.done, job.total, job.stage if job.status == Job.Status.RUNNING else ""
    if job.status == Job.Status.RUNNING:
        try:
            done, total, *stage = progress_path(job).read_text().split(" ", 2)
            return int(done), int(total), stage[0] if stage else ""
        except (OSError, ValueError):
            pass
    return job.done, job.total, ""


def stage_label(job: Job, stage: str) -> str:
    kind = kind_of(job)
    if not stage or kind is None or kind.stages is None:
        return stage
    try:
        return str(kind.stages(stage))
    except (KeyError, ValueError):
        return stage


def heartbeat_age(job: Job) -> float:
    """Seconds since a running job's worker last gave a sign of life (as `job` was read: its
    row's beat is the database's time, read by this machine's clock; NTP keeps them within a
    second, the lease is 30)."""
    if progress_in_row():
        last = job.beat or job.started or job.created or timezone.now()
        return (timezone.now() - last).total_seconds()
    try:
        last = progress_path(job).stat().st_mtime
    except OSError:
        last = (job.started or job.created or timezone.now()).timestamp()
    return time.time() - last


class Heartbeat:
    """The running job's heartbeat and progress, written from a thread of its own every
    BENXI_JOB_HEARTBEAT_SECONDS until the work ends, and soon after each progress report
    (at most every PROGRESS_SECONDS): its age is the lease other processes read (`reap`).
    A thread, so that a long step (a PDF's layout) does not look dead, and so that the row is
    written on a connection of its own, outside the work's transaction."""

    PROGRESS_SECONDS = 0.5

    def __init__(self, job: Job):
        self.job = job
        self.latest: tuple[int, int, str] | None = None  # reported, not yet written
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.reported = threading.Event()
        self.thread = threading.Thread(
            target=self.beat, name=f"job-{job.pk}-heartbeat", daemon=True
        )

    def progress(self, done: int, total: int, stage: str = "") -> None:
        with self.lock:
            self.latest = (done, total, stage)
        self.reported.set()

    def beat(self) -> None:
        try:
            while not self.stopped.is_set():
                self.reported.wait(settings.BENXI_JOB_HEARTBEAT_SECONDS)
                self.reported.clear()
                with self.lock:
                    latest, self.latest = self.latest, None
                # Written again at the next beat or progress report.
                with contextlib.suppress(OSError, DatabaseError):
                    if latest is not None:
                        write_progress(self.job, *latest)
                    elif progress_in_row():
                        _write_row(self.job)
                    else:
                        os.utime(progress_path(self.job))
                self.stopped.wait(self.PROGRESS_SECONDS)
        finally:
            connection.close()  # this thread's own

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        self.reported.set()
        self.thread.join()


def reap(job: Job) -> bool:
    """Mark `job` failed and lost if it is running and its heartbeat stopped longer than
    the lease (its worker died): its user may try it again. Whether it was."""
    if job.status != Job.Status.RUNNING:
        return False
    if heartbeat_age(job) <= settings.BENXI_JOB_LEASE_SECONDS:
        return False
    now = timezone.now()
    # The beat it was judged by: one written meanwhile means the worker lives.
    same_beat = {"beat": job.beat} if progress_in_row() else {}
    lost = Job.objects.filter(
        pk=job.pk, status=Job.Status.RUNNING, attempts=job.attempts, **same_beat
    ).update(status=Job.Status.FAILED, lost=True, finished=now)
    if lost:
        logger.warning("job %s lost its worker %s", job.pk, job.worker or "?")
        forget_progress(job)
        job.status, job.lost, job.finished = Job.Status.FAILED, True, now
    else:
        job.refresh_from_db()
    return bool(lost)


def reap_lost() -> int:
    """Reap every running job whose worker was lost; how many."""
    return sum(reap(job) for job in Job.objects.filter(status=Job.Status.RUNNING))


# -- Submitting, confirming, trying again ------------------------------------------------------


def submit(
    user,
    kind: str,
    params: dict | None = None,
    *,
    upload=None,
    dry_run: bool = False,
    once: bool = False,
) -> Job:
    """Store a job of `kind` for `user` (with the file it reads, `upload`) and queue it.
    With `once`, the same work already asked for by the user and not finished is not asked
    for twice: that job is returned. With the immediate backend (tests) it has run when
    this returns."""
    if kind not in registry.job_kinds:
        raise LookupError(f"no job kind {kind!r}")
    params = params or {}
    clean_up()
    if once:
        waiting = under_way(kind, **params)
        if waiting is not None and waiting.user_id == user.pk:
            return waiting
    job = Job(
        user=user,
        kind=kind,
        params=params,
        dry_run=dry_run,
        language=translation.get_language() or "",
    )
    try:
        with transaction.atomic():
            if upload is not None:
                job.filename, job.size = Path(upload.name).name[:255], upload.size
                stored = f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
                job.file.save(stored, upload, save=False)
            job.save()
            run_job.enqueue(job.pk)
    except BaseException:
        if job.file:
            job.file.delete(save=False)
        raise
    job.refresh_from_db()
    return job


def under_way(kind: str, **params) -> Job | None:
    """The job of `kind` with these parameters that is waiting or running, if any (one
    whose worker was lost is not)."""
    for job in (
        Job.objects.filter(kind=kind, status__in=(Job.Status.QUEUED, Job.Status.RUNNING))
        .filter(**{f"params__{key}": value for key, value in params.items()})
        .select_related("user")
    ):
        if not reap(job):
            return job
    return None


def confirm(job: Job) -> bool:
    """Queue a checked job for real (its user confirmed it), once; whether it was."""
    return _requeue(job, Job.Status.CHECKED, dry_run=False)


def may_retry(job: Job) -> bool:
    kind = kind_of(job)
    return (
        job.status == Job.Status.FAILED
        and kind is not None
        and (bool(job.file) or not kind.needs_file)
    )


def retry(job: Job) -> bool:
    """Queue a failed job again, with the file it kept; whether it was."""
    reap(job)
    if not may_retry(job):
        return False
    return _requeue(job, Job.Status.FAILED, dry_run=job.dry_run)


def _requeue(job: Job, status: str, dry_run: bool) -> bool:
    with transaction.atomic():
        queued = Job.objects.filter(pk=job.pk, status=status).update(
            status=Job.Status.QUEUED,
            dry_run=dry_run,
            lost=False,
            finished=None,
            done=0,
            total=0,
            messages=[],
        )
        if queued:
            run_job.enqueue(job.pk)
    job.refresh_from_db()
    return bool(queued)


# -- The worker's side ---------------------------------------------------------------------


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def claim(job_id: int) -> Job | None:
    """Take a queued job for this process (one conditional UPDATE), or None if it is taken
    or withdrawn."""
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING,
        started=timezone.now(),
        attempts=F("attempts") + 1,
        worker=worker_name(),
        done=0,
        total=0,
        stage="",
        beat=Now(),  # the first heartbeat
    )
    if not claimed:
        return None
    job = Job.objects.select_related("user").get(pk=job_id)
    if not progress_in_row():
        write_progress(job, 0, 0)  # the first heartbeat
    return job


@task()
def run_job(job_id: int) -> None:
    """Do the work of one job and record how it ended."""
    job = claim(job_id)
    if job is None:
        return  # already run (a task delivered twice), or withdrawn
    steps = [0, 0]
    heartbeat = Heartbeat(job)

    def progress(done: int, total: int, stage: str = "") -> None:
        steps[:] = [min(done, total), total]
        heartbeat.progress(steps[0], total, stage)

    kind = kind_of(job)
    with heartbeat, translation.override(job.language or None):
        try:
            if kind is None:
                raise LookupError(f"no job kind {job.kind!r}")
            outcome = kind.run(job, progress) or Outcome()
        except ValidationError as refusal:
            outcome = Outcome(Job.Status.REFUSED, [str(m) for m in refusal.messages])
        except Exception:
            logger.exception("job %s (%s) stopped", job.pk, job.kind)
            outcome = Outcome(Job.Status.FAILED)
    if outcome.status == Job.Status.DONE:
        steps[0] = steps[1]
    finish(job, outcome, *steps)


def finish(job: Job, outcome: Outcome, done: int, total: int) -> None:
    """Record the outcome of a run: once, and only if the job is still this run's (not
    reaped meanwhile and tried again)."""
    if outcome.total is not None:
        total = outcome.total
        done = outcome.done if outcome.done is not None else total
    fields = {
        "status": outcome.status,
        "messages": outcome.messages,
        "result": outcome.result,
        "done": min(done, total),
        "total": total,
        "finished": timezone.now(),
    }
    produced = None
    if outcome.status in Job.ENDED and job.file:
        job.file.delete(save=False)  # the file it read is let go
        fields["file"] = ""
    if outcome.file is not None:
        content, filename, content_type = outcome.file
        job.file.save(f"{job.pk}-{filename}", ContentFile(content), save=False)
        produced = job.file.name
        fields.update(
            file=produced, filename=filename, content_type=content_type, size=len(content)
        )
    recorded = Job.objects.filter(
        pk=job.pk, status=Job.Status.RUNNING, attempts=job.attempts
    ).update(**fields)
    forget_progress(job)
    if not recorded:
        logger.warning("job %s ended after it was reaped: its outcome is not recorded", job.pk)
        if produced:
            job.file.storage.delete(produced)


# -- The queue's health ---------------------------------------------------------------------------


def queue_health(now: datetime.datetime | None = None) -> dict[str, object]:
    """The task queue as monitoring reads it (/health/): {"worker": "ok" | "behind",
    "tasks_waiting": n, "oldest_wait_seconds": s | None}. "behind": a task due has waited
    longer than BENXI_WORKER_STALL_SECONDS, because no worker runs (`db_worker` stopped, its
    machine down) or the one that runs has been busy that long. Read from the primary (the
    queue's own rows; a standby may lag)."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    with replica.primary():
        waiting = DBTaskResult.objects.ready().aggregate(n=Count("pk"), since=Min("enqueued_at"))
    oldest = None if waiting["since"] is None else (now - waiting["since"]).total_seconds()
    behind = oldest is not None and oldest > settings.BENXI_WORKER_STALL_SECONDS
    return {
        "worker": "behind" if behind else "ok",
        "tasks_waiting": waiting["n"],
        "oldest_wait_seconds": None if oldest is None else round(max(oldest, 0.0), 1),
    }


_BEHIND_READ: dict[str, float | bool] = {"at": -1e9, "behind": False}


def worker_behind() -> bool:
    """Whether the queue is behind (`queue_health`), read at most once in 10 s by a process:
    the figures' readers ask on each stale read. False when the queue cannot be read."""
    if time.monotonic() - _BEHIND_READ["at"] >= 10:
        try:
            behind = queue_health()["worker"] == "behind"
        except DatabaseError:
            behind = False
        _BEHIND_READ.update(at=time.monotonic(), behind=behind)
    return bool(_BEHIND_READ["behind"])


def forget_worker_state() -> None:
    """The next `worker_behind()` reads the queue again (tests)."""
    _BEHIND_READ["at"] = -1e9


# -- Clean-up ------------------------------------------------------------------------------------


def clean_up() -> int:
    """Delete the jobs finished more than BENXI_JOB_KEEP_HOURS ago, with their files; how
    many. A job still waiting that long never found a worker, and is said to have stopped
    (its page says so); it goes in its turn. Finished tasks of the queue go too."""
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    limit = now - datetime.timedelta(hours=settings.BENXI_JOB_KEEP_HOURS)
    reap_lost()
    Job.objects.filter(status=Job.Status.QUEUED, created__lt=limit).update(
        status=Job.Status.FAILED, finished=now
    )
    old = list(Job.objects.filter(finished__lt=limit))
    for job in old:
        discard_files(job)
        job.delete()
    DBTaskResult.objects.finished().filter(finished_at__lt=limit).delete()
    return len(old)


def discard_files(job: Job) -> None:
    forget_progress(job)
    if job.file:
        job.file.delete(save=False)
