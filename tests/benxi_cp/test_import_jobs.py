"""Imports of large files as background jobs: stored, queued, checked, confirmed, imported;
their page and its JSON, "My jobs"; with the immediate backend and with the database
backend's worker run in-process."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from benxi_cp import jobs, roles
from benxi_cp.models import Job
from enterprises.models import Enterprise

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
HEADER = "code,name,sector,state_large_medium\n"
GOOD = HEADER + "".join(f"J-{n},甲{n},coal,no\n" for n in range(30))
BAD = HEADER + "J-1,甲,coal,no\nJ-2,乙,no-such-sector,no\n"


@pytest.fixture
def background(settings):
    settings.BENXI_IMPORT_BACKGROUND_BYTES = 10  # every file of these tests is "large"


@pytest.fixture
def admin_client(client_as):
    client = client_as(roles.ADMINISTRATOR)
    client.cookies["django_language"] = "en"
    return client


def upload(client, text: str, name: str = "e.csv"):
    file = io.BytesIO(text.encode())
    file.name = name
    return client.post(reverse("import", args=["enterprises"]), {"file": file})


@pytest.mark.django_db
def test_a_large_file_is_stored_checked_then_imported_on_confirmation(
    admin_client, background, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_client, GOOD)
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("job", args=[job.pk])
    assert (job.status, job.dry_run, job.total) == (Job.Status.CHECKED, True, 30)
    assert (job.result["created"], job.result["error_count"], job.filename) == (30, 0, "e.csv")
    assert job.file
    assert not Enterprise.objects.exists()  # a check writes nothing
    page = admin_client.get(response.url).content.decode()
    assert "Importing it will create 30 and update 0 records." in page
    assert 'id="job-commit-form"' in page
    status = admin_client.get(reverse("job_status", args=[job.pk])).json()
    assert status == {
        "status": "checked",
        "label": "checked: ready to import",
        "stage": "",
        "done": 30,
        "total": 30,
        "percent": 100,
        "counts": "30 / 30 rows",
        "finished": True,
        "file_url": "",
        "next_url": "/import/enterprises/",
    }
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("job", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.dry_run, job.result["created"]) == (Job.Status.DONE, False, 30)
    assert not job.file  # the stored file is gone with the import
    assert Enterprise.objects.count() == 30
    assert "Import done: 30 created, 0 updated." in admin_client.get(response.url).content.decode()
    # A second confirmation finds nothing to import.
    again = admin_client.post(reverse("job", args=[job.pk]), follow=True)
    assert "This job is not waiting for you: it is already under way or finished." in (
        again.content.decode()
    )
    assert Enterprise.objects.count() == 30


@pytest.mark.django_db
def test_a_refused_file_lists_its_errors_and_writes_nothing(
    admin_client, background, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(admin_client, BAD)
    job = Job.objects.get()
    assert (job.status, job.result["error_count"]) == (Job.Status.REFUSED, 1)
    assert len(job.messages) == 1 and job.messages[0].startswith("row 3, sector: ")
    assert "no-such-sector" in job.messages[0]  # in the English of the upload's request
    assert not job.file
    page = admin_client.get(reverse("job", args=[job.pk])).content.decode()
    assert "The file is refused: 1 error" in page and "job-commit-form" not in page
    assert not Enterprise.objects.exists()


@pytest.mark.django_db
def test_a_queued_job_shows_its_progress_and_my_imports_lists_it(
    admin_client, background, settings
):
    settings.TASKS = DUMMY  # queued, never run by itself
    upload(admin_client, GOOD)
    job = Job.objects.get()
    assert job.status == Job.Status.QUEUED
    page = admin_client.get(reverse("job", args=[job.pk])).content.decode()
    assert 'data-finished="false"' in page and "js/job.js" in page
    assert "<script>" not in page  # no inline script
    assert re.search(r'data-status-url="/jobs/\d+/status/"', page)
    # While it runs, the worker's progress file is what the page reads.
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    job.refresh_from_db()
    jobs.write_progress(job, 1000, 30000)
    status = admin_client.get(reverse("job_status", args=[job.pk])).json()
    assert (status["done"], status["total"], status["finished"]) == (1000, 30000, False)
    assert status["counts"] == "1,000 / 30,000 rows"
    listing = admin_client.get(reverse("jobs")).content.decode()
    assert reverse("job", args=[job.pk]) in listing and "e.csv" in listing


@pytest.mark.django_db
def test_another_users_job_is_not_found(client_as, admin_client, background):
    upload(admin_client, GOOD)
    job = Job.objects.get()
    other = client_as(roles.EPB_STAFF)
    assert other.get(reverse("job", args=[job.pk])).status_code == 404
    assert other.get(reverse("job_status", args=[job.pk])).status_code == 404
    assert other.post(reverse("job", args=[job.pk])).status_code == 404
    assert "e.csv" not in other.get(reverse("jobs")).content.decode()


@pytest.mark.django_db
def test_my_imports_takes_a_fixed_number_of_queries(
    admin_client, background, django_assert_num_queries
):
    upload(admin_client, GOOD)
    admin_client.get(reverse("jobs"))
    # session, user, the jobs; the navigation's permissions and groups, the demo flag
    with django_assert_num_queries(7):
        admin_client.get(reverse("jobs"))
    for _ in range(3):
        upload(admin_client, GOOD)
    with django_assert_num_queries(7):
        page = admin_client.get(reverse("jobs"))
    assert page.content.decode().count("e.csv") == 4


@pytest.mark.django_db(transaction=True)
def test_the_database_backends_worker_runs_the_job(client_as, background, settings):
    # django-tasks makes its backends anew when the setting changes.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = client_as(roles.ADMINISTRATOR)
    upload(client, GOOD)
    job = Job.objects.get()
    assert job.status == Job.Status.QUEUED  # the request only stored and queued it
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job.refresh_from_db()
    assert (job.status, job.result["created"]) == (Job.Status.CHECKED, 30)
    client.post(reverse("job", args=[job.pk]))
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert Enterprise.objects.count() == 30


@pytest.mark.django_db
def test_a_zip_bomb_upload_is_refused_in_the_request_not_queued(admin_client, background, settings):
    from tests.benxi_cp.test_import_limits import zip_bomb

    settings.BENXI_IMPORT_MAX_UNPACKED_BYTES = 8 * 1024 * 1024
    file = io.BytesIO(zip_bomb(16))
    file.name = "bomb.xlsx"
    response = admin_client.post(reverse("import", args=["enterprises"]), {"file": file})
    assert response.status_code == 200
    assert "the workbook unpacks to 16 MB, more than the 8 MB allowed" in response.content.decode()
    assert not Job.objects.exists()
