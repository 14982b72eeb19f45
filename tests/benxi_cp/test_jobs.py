"""The one pipeline of background jobs (benxi_cp/jobs.py): kinds declared by their apps, a
job whose worker was lost found by its heartbeat and marked failed, tried again without
uploading again, "Import now" pressed again on an import left running; the worker's quiet
poll, its reaping and its patience with a database that went away; who may see what, and
the pages' queries. A real worker killed, and PostgreSQL restarted under one, are in
test_worker_faults.py."""

import datetime
import io
import logging
import os
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from benxi_cp import jobs, roles
from benxi_cp.management.commands import db_worker
from benxi_cp.models import Job
from benxi_cp.registry import registry
from enterprises.models import Enterprise

pytestmark = pytest.mark.django_db

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
HEADER = "code,name,sector,state_large_medium\n"
GOOD = HEADER + "".join(f"J-{n},甲{n},coal,no\n" for n in range(30))
LOST_EN = "The background worker stopped while it ran this job"
LOST_ZH = "执行此任务时后台进程停止了"
BENXI_CP = Path(__file__).resolve().parents[2] / "benxi_cp"


@pytest.fixture
def background(settings):
    settings.BENXI_IMPORT_BACKGROUND_BYTES = 10  # every file of these tests is "large"
    settings.TASKS = DUMMY  # queued; each test says when a job runs


@pytest.fixture
def admin_client(client_as):
    client = client_as(roles.ADMINISTRATOR)
    client.cookies["django_language"] = "en"
    return client


def upload(client, text: str = GOOD, name: str = "e.csv"):
    file = io.BytesIO(text.encode())
    file.name = name
    return client.post(reverse("import", args=["enterprises"]), {"file": file})


def stale(job: Job, settings) -> None:
    """Make the job's last heartbeat older than the lease: its worker is gone."""
    if jobs.progress_in_row():
        old = timezone.now() - datetime.timedelta(seconds=settings.BENXI_JOB_LEASE_SECONDS + 5)
        Job.objects.filter(pk=job.pk).update(beat=old)
        job.beat = old
        return
    old = time.time() - settings.BENXI_JOB_LEASE_SECONDS - 5
    os.utime(jobs.progress_path(job), (old, old))


def status(client, job: Job) -> dict:
    return client.get(reverse("job_status", args=[job.pk])).json()


# Kinds -----------------------------------------------------------------------------------------


def test_each_app_declares_its_kinds_and_benxi_cp_names_none():
    assert {"import", "form_export", "close_year"} <= set(registry.job_kinds.keys())
    assert registry.job_kinds["form_export"].run.__module__ == "reports.jobs"
    assert registry.job_kinds["import"].run.__module__ == "benxi_cp.import_jobs"
    for path in BENXI_CP.rglob("*.py"):
        if "migrations" not in path.parts:  # the migration that joined the tables names them
            text = path.read_text(encoding="utf-8")
            assert "form_export" not in text and "close_year" not in text, path


def test_an_unknown_kind_is_refused_and_stores_nothing(administrator):
    with pytest.raises(LookupError):
        jobs.submit(administrator, "no-such-kind")
    assert not Job.objects.exists()


# A lost worker -------------------------------------------------------------------------------


def test_a_running_job_whose_heartbeat_stopped_is_failed_and_can_be_tried_again(
    admin_client, background, settings
):
    upload(admin_client)
    job = Job.objects.get()
    claimed = jobs.claim(job.pk)  # a worker took it, then was killed
    assert (claimed.status, claimed.attempts) == (Job.Status.RUNNING, 1)
    assert status(admin_client, job)["status"] == "running"  # its heartbeat is fresh
    stale(claimed, settings)
    said = status(admin_client, job)
    assert (said["status"], said["label"], said["finished"]) == (
        "failed",
        "stopped: its worker was lost",
        True,
    )
    job.refresh_from_db()
    assert job.lost and job.finished and job.file  # the uploaded file is kept
    page = admin_client.get(job.get_absolute_url()).content.decode()
    assert LOST_EN in page and 'id="job-retry-form"' in page
    assert "there is no need to upload it again" in page
    admin_client.cookies["django_language"] = "zh-hans"
    page = admin_client.get(job.get_absolute_url()).content.decode()
    assert LOST_ZH in page and "重试" in page and "无需重新上传" in page
    assert status(admin_client, job)["label"] == "已中止：后台进程中断"
    # Tried again: the same file is checked, with no upload.
    settings.TASKS = IMMEDIATE
    admin_client.post(job.get_absolute_url())
    job.refresh_from_db()
    assert (job.status, job.attempts, job.lost, job.total) == (Job.Status.CHECKED, 2, False, 30)
    assert job.file and not Enterprise.objects.exists()


def test_pressing_import_now_again_on_an_import_left_running_imports_it(
    admin_client, background, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    upload(admin_client)
    job = Job.objects.get()
    assert job.status == Job.Status.CHECKED
    settings.TASKS = DUMMY
    admin_client.post(job.get_absolute_url())  # "Import now"
    jobs.claim(job.pk)  # the worker starts the import, and dies
    job.refresh_from_db()
    assert (job.status, job.dry_run) == (Job.Status.RUNNING, False)
    stale(job, settings)
    settings.TASKS = IMMEDIATE
    # The page the user left open still shows "Import now": pressed again, it imports.
    response = admin_client.post(job.get_absolute_url(), follow=True)
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.DONE, 3)  # the check, the import, again
    assert Enterprise.objects.count() == 30 and not job.file
    assert "Import done: 30 created, 0 updated." in response.content.decode()


def test_a_job_whose_worker_lives_is_left_alone(admin_client, background):
    upload(admin_client)
    job = jobs.claim(Job.objects.get().pk)
    jobs.write_progress(job, 10, 30)
    assert not jobs.reap(job) and not jobs.reap_lost()
    response = admin_client.post(job.get_absolute_url(), follow=True)
    assert "This job is not waiting for you" in response.content.decode()
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.RUNNING, 1)


def test_a_run_that_ends_after_it_was_reaped_records_nothing(admin_client, background, settings):
    upload(admin_client)
    job = jobs.claim(Job.objects.get().pk)
    stale(job, settings)
    assert jobs.reap_lost() == 1
    jobs.finish(job, jobs.Outcome(Job.Status.DONE, result={"created": 30}), 30, 30)
    job.refresh_from_db()
    assert (job.status, job.lost, job.result) == (Job.Status.FAILED, True, {})
    assert job.file  # kept for the next try


def test_a_job_without_its_file_cannot_be_tried_again(admin_client, background, settings):
    upload(admin_client)
    job = jobs.claim(Job.objects.get().pk)
    stale(job, settings)
    jobs.reap(job)
    job.file.delete()
    response = admin_client.post(job.get_absolute_url(), follow=True)
    assert "its file is gone. Please upload it again." in response.content.decode()
    assert 'id="job-retry-form"' not in response.content.decode()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED


# Transactional: on PostgreSQL the heartbeat's thread writes the row on a connection of its
# own, which sees committed rows only.
@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_is_kept_while_the_work_runs(admin_client, background, settings):
    settings.BENXI_JOB_HEARTBEAT_SECONDS = 1
    upload(admin_client)
    job = jobs.claim(Job.objects.get().pk)
    stale(job, settings)
    with jobs.Heartbeat(job):
        deadline = time.monotonic() + 10
        while jobs.heartbeat_age(job) > settings.BENXI_JOB_LEASE_SECONDS:
            assert time.monotonic() < deadline, "no heartbeat"
            time.sleep(0.2)
            job.refresh_from_db()  # as a page reads it
    assert not jobs.reap(job)


def test_a_lost_closing_no_longer_holds_its_year(client_as, settings):
    from reports.jobs import CLOSE_YEAR

    settings.TASKS = DUMMY
    client = client_as(roles.ADMINISTRATOR)
    client.post(reverse("reports:close_year", args=[2000]))
    job = jobs.claim(Job.objects.get().pk)
    assert jobs.under_way(CLOSE_YEAR, year=2000) == job
    stale(job, settings)
    assert jobs.under_way(CLOSE_YEAR, year=2000) is None
    job.refresh_from_db()
    assert job.lost and jobs.may_retry(job)  # needs no file: it runs again as it was


# The worker ----------------------------------------------------------------------------------


def test_the_idle_worker_looks_for_tasks_without_a_write_transaction(settings):
    settings.TASKS = DATABASE
    worker = db_worker.Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    with CaptureQueriesContext(connection) as queries:
        assert worker.claim() == (True, None)
    # One read, no BEGIN, no SAVEPOINT, no SELECT … FOR UPDATE.
    assert len(queries) == 1 and queries[0]["sql"].startswith("SELECT")
    assert "FOR UPDATE" not in queries[0]["sql"]


# The worker's loop closes connections that are in a transaction, as it should: the tests
# that run it are transactional, as the worker is.
@pytest.mark.django_db(transaction=True)
def test_the_worker_reaps_lost_jobs_when_it_starts(admin_client, background, settings):
    upload(admin_client)
    job = jobs.claim(Job.objects.get().pk)
    stale(job, settings)
    settings.TASKS = DATABASE
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job.refresh_from_db()
    assert (job.status, job.lost) == (Job.Status.FAILED, True)


@pytest.mark.django_db(transaction=True)
def test_the_worker_waits_for_a_database_that_went_away(settings, monkeypatch, caplog):
    settings.TASKS = DATABASE
    real_claim = db_worker.Worker.claim
    calls = []

    def claim(worker):
        calls.append(1)
        if len(calls) <= 3:
            raise OperationalError("server closed the connection unexpectedly")
        return real_claim(worker)

    pauses = []
    monkeypatch.setattr(db_worker.Worker, "claim", claim)
    monkeypatch.setattr(db_worker.Worker, "pause", lambda worker, seconds: pauses.append(seconds))
    with caplog.at_level(logging.WARNING, logger="benxi_cp.worker"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert len(calls) == 4  # three failures waited out, then the queue read: empty
    assert pauses == [1, 2, 4]  # a growing pause
    assert "The database is unavailable (server closed the connection unexpectedly)" in (
        caplog.text
    )


# Who sees what, and at what cost ------------------------------------------------------------------


def test_the_job_pages_are_their_users_alone(admin_client, background, make_user):
    upload(admin_client)
    job = Job.objects.get()
    urls = [reverse(name, args=[job.pk]) for name in ("job", "job_status", "job_file")]
    anonymous = Client()
    for url in [*urls, reverse("jobs")]:
        response = anonymous.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/"), url
    other = Client()
    other.force_login(make_user(roles.ADMINISTRATOR, "another-administrator"))
    for url in urls:
        assert other.get(url).status_code == 404, url
    assert other.post(urls[0]).status_code == 404
    assert "e.csv" not in other.get(reverse("jobs")).content.decode()


def test_going_on_with_a_job_needs_its_kinds_rights_still(admin_client, background, settings):
    settings.TASKS = IMMEDIATE
    upload(admin_client)
    job = Job.objects.get()
    assert job.status == Job.Status.CHECKED
    job.user.groups.clear()  # no longer one who may import enterprises
    page = admin_client.get(job.get_absolute_url())
    assert page.status_code == 200 and 'id="job-commit-form"' not in page.content.decode()
    assert admin_client.post(job.get_absolute_url()).status_code == 403
    job.refresh_from_db()
    assert job.status == Job.Status.CHECKED and not Enterprise.objects.exists()


def test_the_job_page_and_its_json_take_a_fixed_number_of_queries(
    admin_client, background, settings, django_assert_num_queries
):
    settings.TASKS = IMMEDIATE
    upload(admin_client)
    job = Job.objects.get()
    admin_client.get(job.get_absolute_url())
    # session, user, the job; the user's permissions and groups' permissions (may it be
    # confirmed), the navigation's groups, the demo flag
    with django_assert_num_queries(7):
        page = admin_client.get(job.get_absolute_url())
    assert "Importing it will create 30 and update 0 records." in page.content.decode()
    assert '<dd class="col-sm-9" id="job-kind">import of a large file</dd>' in page.content.decode()
    # session, user, the job
    with django_assert_num_queries(3):
        admin_client.get(reverse("job_status", args=[job.pk]))
    # A running job reads its progress from its row (or its file, on SQLite): no more queries.
    settings.TASKS = DUMMY
    admin_client.post(job.get_absolute_url())
    jobs.claim(job.pk)
    with django_assert_num_queries(3):
        said = admin_client.get(reverse("job_status", args=[job.pk])).json()
    assert said["status"] == "running"
