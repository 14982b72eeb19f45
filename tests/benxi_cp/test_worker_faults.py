"""The background worker as a real process (`manage.py db_worker`) on the test's database (a
file for SQLite, the test database for PostgreSQL), and what goes wrong around it:

- the worker killed in the middle of a job: the job is found failed, "lost", and its user
  tries it again (no upload) under a new worker, which finishes it;
- PostgreSQL restarted under the worker: it waits the database out and carries on (only
  with BENXI_FAULT_TESTS=1: the server may be shared, and a restart would break the other
  test processes' connections; .ci/run runs it on its own, after the suite);
- saves beside the worker: with SQLite, the worker's polling and claiming never make a
  save fail with "database is locked".
"""

import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection, connections, transaction
from django.test import Client
from django.urls import reverse

from benxi_cp import jobs, roles
from benxi_cp.models import Job
from enterprises.models import Enterprise
from tests.benxi_cp.worker import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

FAULT_TESTS = os.environ.get("BENXI_FAULT_TESTS") == "1"


@pytest.fixture
def admin_client(client_as):
    client = client_as(roles.ADMINISTRATOR)
    client.cookies["django_language"] = "en"
    return client


def held_job(
    user, release: Path, content: bytes = b"the stored file", *, atomic: bool = False
) -> Job:
    upload = SimpleUploadedFile("held.txt", content, content_type="text/plain")
    params = {"release": str(release), **({"atomic": True} if atomic else {})}
    return jobs.submit(user, "held", params, upload=upload)


def job_in(job: Job, *statuses: str) -> Job | None:
    job.refresh_from_db()
    return job if job.status in statuses else None


def test_a_killed_worker_leaves_a_failed_job_that_its_user_tries_again(
    start_worker, held_kind, admin_client, tmp_path
):
    user = admin_client.get(reverse("jobs")).wsgi_request.user
    release = tmp_path / "release"
    job = held_job(user, release, atomic=True)
    assert job.status == Job.Status.QUEUED and job.file
    worker = start_worker()
    wait_for(lambda: job_in(job, Job.Status.RUNNING), "the worker to take the job")
    # Reported from inside the work's transaction, read by another process while it runs:
    # the job's page on any web node (its row on PostgreSQL, a file beside SQLite).
    wait_for(
        lambda: job_in(job, Job.Status.RUNNING) and jobs.read_progress(job)[:2] == (1, 2),
        "the job to start its work",
    )
    worker.kill()  # mid-job: no clean-up of any kind

    def lost():
        said = admin_client.get(reverse("job_status", args=[job.pk])).json()
        return said if said["status"] == "failed" else None

    said = wait_for(lost, "the job to be found lost", seconds=60)
    assert (said["label"], said["finished"]) == ("stopped: its worker was lost", True)
    job.refresh_from_db()
    assert (job.lost, job.attempts) == (True, 1) and job.file  # its file is kept
    page = admin_client.get(job.get_absolute_url()).content.decode()
    assert "The background worker stopped while it ran this job" in page
    assert 'id="job-retry-form"' in page

    # Tried again: queued with the same file, and finished by a new worker.
    admin_client.post(job.get_absolute_url())
    assert job_in(job, Job.Status.QUEUED) and not job.lost
    release.touch()
    second = start_worker()
    wait_for(lambda: job_in(job, Job.Status.DONE, Job.Status.FAILED), "the job to end")
    assert job.status == Job.Status.DONE, second.output()
    assert job.result == {"read": "the stored file", "worker_pid": second.process.pid}
    assert job.attempts == 2 and not job.file  # ended for good: its file is let go
    assert second.alive


@pytest.mark.skipif(not FAULT_TESTS, reason="restarts the database server: BENXI_FAULT_TESTS=1")
def test_the_worker_carries_on_after_postgresql_restarts(
    start_worker, held_kind, administrator, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    versions = sorted(os.listdir("/etc/postgresql"))
    assert versions and shutil.which("pg_ctlcluster"), "pg_ctlcluster and a cluster needed"
    release = tmp_path / "release"
    release.touch()
    worker = start_worker()
    first = held_job(administrator, release)
    wait_for(lambda: job_in(first, Job.Status.DONE), "the first job")

    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "restart"],
        check=True,
        timeout=120,
    )
    ready = ["pg_isready", "-h", "127.0.0.1", "-p", str(connection.settings_dict["PORT"] or 5432)]
    wait_for(lambda: subprocess.run(ready, capture_output=True).returncode == 0, "PostgreSQL")
    connections.close_all()  # this process's connections went with the old server

    time.sleep(2)  # the worker polls meanwhile: it meets the closed connection
    second = held_job(administrator, release)
    wait_for(lambda: job_in(second, Job.Status.DONE, Job.Status.FAILED), "the second job")
    assert second.status == Job.Status.DONE, worker.output()
    assert worker.alive, worker.output()  # the same process: it did not die
    assert "The database is unavailable" in worker.output()  # it met the restart
    assert second.result["worker_pid"] == worker.process.pid


def test_saves_beside_the_worker_are_never_locked_out(
    start_worker, held_kind, admin_client, tmp_path
):
    """The failure of the embedded default: with SQLite and the worker polling, transactions
    that read then write failed with "database is locked". Here the worker polls ten times
    as often as usual and claims jobs meanwhile, while four users save enterprises, each
    both through the edit form and in a transaction that reads the record first."""
    release = tmp_path / "release"
    release.touch()
    user = admin_client.get(reverse("jobs")).wsgi_request.user
    worker = start_worker()
    first = held_job(user, release)
    wait_for(lambda: job_in(first, Job.Status.DONE), "the worker to be up")
    enterprises = [
        Enterprise.objects.create(code=f"L-{n}", name=f"锁{n}", sector="coal") for n in range(4)
    ]
    session = admin_client.cookies["sessionid"].value
    errors: list[str] = []
    saves = [0] * len(enterprises)
    stop = time.monotonic() + 10

    def edit(index: int, enterprise: Enterprise) -> None:
        client = Client(raise_request_exception=True)
        client.cookies["sessionid"] = session
        url = reverse("enterprises:edit", args=[enterprise.pk])
        try:
            while time.monotonic() < stop:
                with transaction.atomic():  # read, then write
                    record = Enterprise.objects.get(pk=enterprise.pk)
                    record.employees = (record.employees or 0) + 1
                    record.save()
                saves[index] += 1
                data = {
                    "code": enterprise.code,
                    "name": f"锁{index}-{saves[index]}",
                    "sector": "coal",
                    "state_large_medium": "no",
                    "employees": record.employees,
                    "version": record.version,
                }
                response = client.post(url, data)
                if response.status_code != 302:
                    errors.append(f"{response.status_code}: {response.content[:300]!r}")
                    return
                saves[index] += 1
        except OperationalError as error:
            errors.append(str(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=edit, args=pair) for pair in enumerate(enterprises)]
    for thread in threads:
        thread.start()
    queued = []
    while any(thread.is_alive() for thread in threads):
        queued.append(held_job(user, release))  # the worker claims and writes meanwhile
        time.sleep(0.5)
    for thread in threads:
        thread.join()
    assert errors == []
    assert all(saves), saves
    for enterprise, count in zip(enterprises, saves, strict=True):
        enterprise.refresh_from_db()
        assert (enterprise.version, enterprise.employees) == (1 + count, count // 2)
    wait_for(lambda: all(job_in(job, Job.Status.DONE) for job in queued), "the jobs")
    assert worker.alive, worker.output()
    assert "database is locked" not in worker.output()
