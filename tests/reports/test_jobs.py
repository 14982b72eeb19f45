"""Long work of the reports pages as background jobs (reports/jobs.py, benxi_cp/jobs.py): a
form's download above the threshold of records, the closing of a year; their progress page,
its JSON, the file kept for its user alone, "My jobs", the clean-up, and the cookie that ends
the waiting indicator of a direct download."""

import datetime
import json
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from benxi_cp import jobs, roles
from benxi_cp.models import Job
from reports import annual, closing, output
from reports import jobs as report_jobs
from reports.choices import CopyFormat
from reports.models import RecordCopy, YearClosing

pytestmark = pytest.mark.django_db

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def large(settings):
    settings.BENXI_FORM_BACKGROUND_RECORDS = 0  # every year of these tests is "large"


@pytest.fixture
def admin_client(programme, client_as):
    client = client_as(roles.ADMINISTRATOR)
    client.cookies["django_language"] = "en"
    return client


def download(client, name="programme", fmt="xlsx", year=2000, **extra):
    url = reverse("reports:form_download", args=[name, fmt])
    return client.get(url, {"year": year, **extra})


def other_client(make_user, role=roles.LEADERSHIP) -> Client:
    other = Client()
    other.force_login(make_user(role, "someone-else"))
    other.cookies["django_language"] = "en"
    return other


# The threshold: direct or a job ------------------------------------------------------------


def test_a_small_year_is_downloaded_at_once(admin_client, settings):
    assert report_jobs.record_count(2000) < settings.BENXI_FORM_BACKGROUND_RECORDS
    response = download(admin_client)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="CP-1-programme-2000.xlsx"'
    assert not Job.objects.exists()


def test_a_large_year_is_made_by_a_job_and_served_from_its_page(admin_client, large):
    direct = output.render(annual.build("programme", 2000), "csv")
    response = download(admin_client, fmt="csv")
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("job", args=[job.pk])
    # The immediate backend of the tests has done it already.
    assert (job.status, job.kind, job.params) == (
        Job.Status.DONE,
        "form_export",
        {"name": "programme", "year": 2000, "fmt": "csv"},
    )
    assert (job.filename, job.language, job.size) == ("CP-1-programme-2000.csv", "en", len(direct))
    page = admin_client.get(response.url).content.decode()
    file_url = reverse("job_file", args=[job.pk])
    assert "The file is ready." in page and f'href="{file_url}"' in page
    assert 'data-finished="true"' in page and "js/job.js" in page
    assert "<script>" not in page and 'style="' not in page
    served = admin_client.get(file_url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == direct
    assert 'filename="CP-1-programme-2000.csv"' in served["Content-Disposition"]


def test_the_threshold_counts_the_years_reports_and_audits(programme, settings):
    count = report_jobs.record_count(2000)
    assert count > 0
    settings.BENXI_FORM_BACKGROUND_RECORDS = count
    assert not report_jobs.in_background(2000)
    settings.BENXI_FORM_BACKGROUND_RECORDS = count - 1
    assert report_jobs.in_background(2000)


# The life of a job -------------------------------------------------------------------------


def test_a_job_is_queued_runs_with_its_stages_and_ends_done(admin_client, large, settings):
    settings.TASKS = DUMMY  # queued, never run by itself
    download(admin_client, name="audits", fmt="pdf")
    job = Job.objects.get()
    assert job.status == Job.Status.QUEUED
    url = reverse("job_status", args=[job.pk])
    assert admin_client.get(url).json() == {
        "status": "queued",
        "label": "waiting for the worker",
        "stage": "",
        "done": 0,
        "total": 0,
        "percent": 0,
        "counts": "",
        "finished": False,
        "file_url": "",
        "next_url": "/reports/forms/audits/?year=2000",
    }
    download(admin_client, name="audits", fmt="pdf")  # asked for again: the same job
    assert Job.objects.count() == 1
    page = admin_client.get(job.get_absolute_url()).content.decode()
    assert 'data-finished="false"' in page and "Waiting for the worker to start…" in page
    assert re.search(r'data-status-url="/jobs/\d+/status/"', page)
    # While it runs, the worker's progress file is what the page and its JSON read.
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    job.refresh_from_db()
    jobs.write_progress(job, 1, 2, "pdf")
    status = admin_client.get(url).json()
    assert (status["status"], status["stage"], status["percent"]) == (
        "running",
        "writing the PDF",
        50,
    )
    assert (status["counts"], status["finished"]) == ("step 1 of 2", False)
    page = admin_client.get(job.get_absolute_url()).content.decode()
    assert "writing the PDF" in page and 'value="50"' in page and "step 1 of 2" in page
    # The worker takes it (as a task delivered once).
    Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED)
    jobs.run_job.call(job.pk)
    jobs.run_job.call(job.pk)  # delivered twice: the second finds it taken
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == ("done", 3, 3)  # PDF: 3 stages
    assert job.started <= job.finished and job.file.read().startswith(b"%PDF")
    assert not jobs.progress_path(job).exists()
    status = admin_client.get(url).json()
    assert status["finished"] and status["percent"] == 100
    assert status["file_url"] == reverse("job_file", args=[job.pk])


def test_a_failed_job_says_so_and_serves_no_file(admin_client, large, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the printer is on fire")

    monkeypatch.setattr(output, "render_xlsx", broken)
    download(admin_client, name="options", fmt="xlsx")
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED and not job.file
    page = admin_client.get(job.get_absolute_url()).content.decode()
    assert "The file could not be produced" in page
    status = admin_client.get(reverse("job_status", args=[job.pk])).json()
    assert (status["label"], status["finished"], status["file_url"]) == (
        "stopped on an error",
        True,
        "",
    )
    assert admin_client.get(reverse("job_file", args=[job.pk])).status_code == 404


def test_the_job_runs_in_the_language_it_was_asked_in(programme, client_as, large):
    client = client_as(roles.ADMINISTRATOR)
    client.cookies["django_language"] = "zh-hans"
    download(client, name="programme", fmt="xlsx")
    job = Job.objects.get()
    assert job.language == "zh-hans"
    page = client.get(job.get_absolute_url()).content.decode()
    assert "文件已准备好" in page and "我的任务" in page
    assert "清洁生产工作总体情况，2000年度（XLSX）" in page
    client.cookies["django_language"] = "en"
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Programme summary, 2000 (XLSX)" in page


# Scoped to its user --------------------------------------------------------------------------


def test_another_users_job_is_not_found(admin_client, large, make_user):
    download(admin_client)
    job = Job.objects.get()
    other = other_client(make_user)  # may read the forms, but this is not their job
    assert other.get(job.get_absolute_url()).status_code == 404
    assert other.get(reverse("job_status", args=[job.pk])).status_code == 404
    assert other.get(reverse("job_file", args=[job.pk])).status_code == 404
    assert "CP-1-programme-2000.xlsx" not in other.get(reverse("jobs")).content.decode()


def test_a_file_needs_the_right_to_the_forms_still(admin_client, large):
    download(admin_client)
    job = Job.objects.get()
    job.user.groups.clear()
    assert admin_client.get(reverse("job_file", args=[job.pk])).status_code == 403


# "My jobs" and the clean-up -------------------------------------------------------------------


def test_my_jobs_lists_downloads_and_closings_in_fixed_queries(
    admin_client, large, django_assert_num_queries
):
    download(admin_client)
    admin_client.get(reverse("jobs"))
    # session, user, the jobs; the navigation's permissions and groups, the demo flag
    with django_assert_num_queries(7):
        admin_client.get(reverse("jobs"))
    for fmt in ("pdf", "csv"):
        download(admin_client, fmt=fmt)
    with django_assert_num_queries(7):
        page = admin_client.get(reverse("jobs")).content.decode()
    for fmt in ("xlsx", "pdf", "csv"):
        assert f"programme-2000.{fmt}" in page
    assert page.count("Programme summary, 2000") == 3 and "My jobs" in page


def test_finished_jobs_are_cleaned_up_with_their_files(admin_client, large, settings):
    download(admin_client)
    old = Job.objects.get()
    path = old.file.path
    Job.objects.filter(pk=old.pk).update(
        finished=timezone.now() - datetime.timedelta(hours=settings.BENXI_JOB_KEEP_HOURS + 1)
    )
    download(admin_client, fmt="csv")  # a new job cleans up the old ones
    assert list(Job.objects.values_list("params__fmt", flat=True)) == ["csv"]
    import os

    assert not os.path.exists(path)


# The waiting indicator of a direct download ----------------------------------------------------


def test_a_direct_download_answers_the_waiting_indicators_token(admin_client):
    response = download(admin_client, fmt="csv", download="k3y9abc")
    assert response.status_code == 200
    assert response.cookies["benxi_download_k3y9abc"].value == "1"
    response = download(admin_client, fmt="csv", download="<bad token>")
    assert not [name for name in response.cookies if name.startswith("benxi_download")]
    page = admin_client.get(reverse("reports:forms"), {"year": 2000}).content.decode()
    assert 'data-download-wait data-preparing="Preparing…"' in page
    assert "js/download-wait.js" in page


# Closing a year as a job ------------------------------------------------------------------------


def test_closing_by_job_keeps_the_same_copies_of_record(admin_client):
    response = admin_client.post(reverse("reports:close_year", args=[2000]), follow=True)
    job = Job.objects.get()
    administrator = job.user
    assert (job.kind, job.status, job.params) == ("close_year", "done", {"year": 2000})
    assert job.done == job.total == 1 + len(annual.FORMS) * 4
    assert response.redirect_chain[-1][0] == reverse("reports:year", args=[2000])
    assert "2000 is closed; its copy of record is kept below." in response.content.decode()
    by_job = closing.current(2000)
    assert by_job.closed_by == administrator
    kept = {(c.form, c.fmt): bytes(c.content) for c in by_job.copies.all()}
    assert set(kept) == {(f, x) for f in annual.FORMS for x in CopyFormat.values}
    # Closed again, directly, the figures kept are the same.
    closing.reopen(2000, administrator, "to compare")
    direct = closing.close(2000, administrator)
    for copy in direct.copies.all():
        if copy.fmt == CopyFormat.JSON:
            assert json.loads(bytes(copy.content)) == json.loads(kept[copy.form, copy.fmt])
        else:
            assert bytes(copy.content)[:4] == kept[copy.form, copy.fmt][:4]
    page = admin_client.get(job.get_absolute_url()).content.decode()
    assert "2000 is closed; its copy of record is kept on the year’s page." in page
    status = admin_client.get(reverse("job_status", args=[job.pk])).json()
    assert status["next_url"] == reverse("reports:year", args=[2000]) and not status["file_url"]


def test_a_refused_closing_by_job_says_why_and_writes_nothing(admin_client):
    response = admin_client.post(reverse("reports:close_year", args=[1998]), follow=True)
    job = Job.objects.get()
    assert job.status == Job.Status.REFUSED
    assert job.messages and "not verified" in job.messages[0]
    said = [str(message) for message in response.context["messages"]]
    assert said == job.messages
    assert not YearClosing.objects.exists() and not RecordCopy.objects.exists()
    page = admin_client.get(job.get_absolute_url()).content.decode()
    assert "Refused: nothing was written" in page and job.messages[0] in page


def test_a_closing_under_way_shows_on_the_year_and_its_page(admin_client, settings, make_user):
    settings.TASKS = DUMMY
    response = admin_client.post(reverse("reports:close_year", args=[2000]))
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert job.status == Job.Status.QUEUED and closing.current(2000) is None
    year = admin_client.get(reverse("reports:year", args=[2000])).content.decode()
    assert 'id="closing-under-way"' in year and job.get_absolute_url() in year
    assert 'id="close-year"' not in year  # not twice
    other = other_client(make_user, roles.ADMINISTRATOR)
    year = other.get(reverse("reports:year", args=[2000])).content.decode()
    assert 'id="closing-under-way"' in year and job.get_absolute_url() not in year
    assert other.get(job.get_absolute_url()).status_code == 404
    # Asked for again: by its user, the same job; by another, a warning and no second one.
    response = admin_client.post(reverse("reports:close_year", args=[2000]))
    assert response.url == job.get_absolute_url()
    response = other.post(reverse("reports:close_year", args=[2000]), follow=True)
    said = [str(message) for message in response.context["messages"]]
    assert said == ["A closing of 2000 is under way, asked for by administrator-user."]
    assert Job.objects.count() == 1
    jobs.run_job.call(job.pk)
    assert closing.current(2000) is not None
    year = admin_client.get(reverse("reports:year", args=[2000])).content.decode()
    assert 'id="closing-under-way"' not in year


def test_who_may_not_close_queues_nothing(programme, client_as):
    client = client_as(roles.LEADERSHIP)
    assert client.post(reverse("reports:close_year", args=[2000])).status_code == 403
    assert not Job.objects.exists()


# The database backend's worker -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_database_backends_worker_makes_the_file(programme, client_as, large, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = client_as(roles.ADMINISTRATOR)
    download(client, name="targets", fmt="csv")
    job = Job.objects.get()
    assert job.status == Job.Status.QUEUED  # the request only stored and queued it
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.filename == "CP-5-targets-2000.csv"
    served = client.get(reverse("job_file", args=[job.pk]))
    assert b"".join(served.streaming_content) == job.file.open("rb").read()


def test_a_closings_stages_are_named_in_the_pages_language(admin_client, settings):
    settings.TASKS = DUMMY
    admin_client.post(reverse("reports:close_year", args=[2000]))
    job = Job.objects.get()
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    job.refresh_from_db()
    jobs.write_progress(job, 6, 21, "audits/pdf")
    url = reverse("job_status", args=[job.pk])
    status = admin_client.get(url).json()
    assert status["stage"] == "CP audit status of enterprises: writing the PDF"
    assert (status["percent"], status["counts"]) == (29, "step 6 of 21")
    admin_client.cookies["django_language"] = "zh-hans"
    status = admin_client.get(url).json()
    assert status["stage"] == "企业清洁生产审核情况表：正在生成 PDF"
    assert status["counts"] == "第 6 步，共 21 步"
    jobs.write_progress(job, 0, 21, "checks")
    assert admin_client.get(url).json()["stage"] == "正在检查阻碍关账的事项"


def test_a_list_export_answers_the_waiting_indicators_token(admin_client):
    url = reverse("enterprises:list")
    response = admin_client.get(url, {"_export": "csv", "download": "t0k3n"})
    assert response.status_code == 200
    assert response.cookies["benxi_download_t0k3n"].value == "1"
    page = admin_client.get(url, {"download": "t0k3n"}).content.decode()
    assert 'id="export-csv" data-download-wait data-preparing="Preparing…"' in page
    assert "js/download-wait.js" in page


def test_a_job_that_lost_its_worker_is_said_to_have_stopped(admin_client, large, settings):
    settings.TASKS = DUMMY
    download(admin_client)
    lost = Job.objects.get()
    Job.objects.filter(pk=lost.pk).update(
        created=timezone.now() - datetime.timedelta(hours=settings.BENXI_JOB_KEEP_HOURS + 1)
    )
    download(admin_client, fmt="csv")  # a new job cleans up
    lost.refresh_from_db()
    assert lost.status == Job.Status.FAILED and lost.finished is not None
    page = admin_client.get(lost.get_absolute_url()).content.decode()
    assert "The file could not be produced" in page
