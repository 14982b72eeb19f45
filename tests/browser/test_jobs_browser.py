"""Long work is never a silent wait: a download of a large year's form leads to its progress
page, which follows the worker and hands over the file; a direct download's button says
"Preparing…" until the file comes. In both languages."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from benxi_cp import jobs
from benxi_cp.models import Job
from tests.reports.scenario import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = (
    Path(os.environ.get("BENXI_SCREENSHOTS", "")) if os.environ.get("BENXI_SCREENSHOTS") else None
)


def shot(page, name: str) -> None:
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_large_download_follows_its_job_then_hands_over_the_file(
    login, live_server, administrator, settings
):
    build()
    settings.BENXI_FORM_BACKGROUND_RECORDS = 0  # every year is "large"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    page = login(administrator)
    page.goto(f"{live_server.url}/reports/forms/?year=2000")
    page.click("#download-discharge-pdf")
    page.wait_for_url(re.compile(r"/jobs/\d+/$"))
    job = Job.objects.get()
    # Queued: the page says so and waits.
    expect(page.locator("#job-stage")).to_have_text("等待后台开始处理…")
    expect(page.locator("h1")).to_contain_text("2000年度（PDF）")
    # The worker takes it: the page follows its stage and percentage.
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    job.refresh_from_db()
    jobs.write_progress(job, 1, 2, "pdf")
    expect(page.locator("#job-stage")).to_have_text("正在生成 PDF")
    expect(page.locator("#job-percent")).to_have_text("50 %")
    expect(page.locator("#job-counts")).to_have_text("第 1 步，共 2 步")
    shot(page, "job-progress-zh")
    # Done: the page reloads and the file is downloaded at once.
    Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED)
    with page.expect_download() as download:
        jobs.run_job.call(job.pk)
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    assert download.value.suggested_filename == "CP-3-discharge-2000.pdf"
    expect(page.locator("#job-file")).to_be_visible()
    shot(page, "job-done-zh")

    # In English, "My jobs" lists it with its file.
    page.click("#language-form button[data-lang=en]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/jobs/")
    expect(page.locator("#jobs")).to_contain_text("Pollution discharge by enterprise")
    expect(page.locator("#jobs")).to_contain_text("CP-3-discharge-2000.pdf")
    shot(page, "my-jobs-en")
    # A second one in English, shown while it runs.
    page.goto(f"{live_server.url}/reports/forms/?year=2000")
    page.click("#download-audits-xlsx")
    page.wait_for_url(re.compile(r"/jobs/\d+/$"))
    second = Job.objects.latest("pk")
    Job.objects.filter(pk=second.pk).update(status=Job.Status.RUNNING)
    second.refresh_from_db()
    jobs.write_progress(second, 1, 2, "xlsx")
    expect(page.locator("#job-stage")).to_have_text("writing the workbook (XLSX)")
    expect(page.locator("#job-percent")).to_have_text("50 %")
    shot(page, "job-progress-en")
    page.set_viewport_size({"width": 390, "height": 800})  # on a phone: the card fits
    card = page.locator("#job").bounding_box()
    assert card["x"] >= 0 and card["x"] + card["width"] <= 390
    shot(page, "job-progress-en-390")


def test_a_direct_download_says_preparing_until_the_file_comes(login, live_server, administrator):
    build()
    page = login(administrator)
    page.goto(f"{live_server.url}/reports/forms/programme/?year=2000")
    button = page.locator("#download-xlsx")
    with page.expect_download() as download:
        button.click()
        expect(button).to_have_class(re.compile(r"\bdisabled\b"))
        expect(button).to_contain_text("正在准备…")
        shot(page, "download-preparing-zh")
    assert download.value.suggested_filename == "CP-1-programme-2000.xlsx"
    expect(button).to_have_text("XLSX")  # the response came: the button is back
    expect(button).not_to_have_class(re.compile(r"\bdisabled\b"))
    assert not Job.objects.exists()


def test_closing_a_year_follows_its_job_then_shows_the_year(
    login, live_server, administrator, settings
):
    build()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    page = login(administrator)
    page.goto(f"{live_server.url}/reports/years/2000/")
    page.click("#close-year")
    page.wait_for_url(re.compile(r"/jobs/\d+/$"))
    job = Job.objects.get()
    expect(page.locator("h1")).to_have_text("2000年度关账")
    # The year's page says a closing is under way, and offers no second one.
    other = page.context.new_page()
    other.goto(f"{live_server.url}/reports/years/2000/")
    expect(other.locator("#closing-under-way")).to_be_visible()
    expect(other.locator("#close-year")).to_have_count(0)
    shot(other, "year-closing-under-way-zh")
    other.close()
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    job.refresh_from_db()
    jobs.write_progress(job, 6, 21, "audits/pdf")
    expect(page.locator("#job-stage")).to_have_text("企业清洁生产审核情况表：正在生成 PDF")
    expect(page.locator("#job-percent")).to_have_text("29 %")
    expect(page.locator("#job-counts")).to_have_text("第 6 步，共 21 步")
    shot(page, "closing-progress-zh")
    # Done: the page leads to the year, closed, with its copy of record.
    Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED)
    jobs.run_job.call(job.pk)
    page.wait_for_url(re.compile(r"/reports/years/2000/$"))
    expect(page.locator("#year-state .badge")).to_have_text("已关账")
    expect(page.locator("#record-copies")).to_be_visible()


def test_an_import_jobs_page_still_follows_its_rows(login, live_server, administrator, settings):
    """The page script serves the imports' jobs as before (rows done of rows)."""
    settings.BENXI_IMPORT_BACKGROUND_BYTES = 10
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    page = login(administrator)
    page.goto(f"{live_server.url}/import/enterprises/")
    text = "code,name,sector,state_large_medium\n" + "J-1,甲,coal,no\n"
    page.set_input_files(
        "#upload-form input[type=file]",
        {"name": "e.csv", "mimeType": "text/csv", "buffer": text.encode()},
    )
    page.click("#upload-form button[type=submit]")
    page.wait_for_url(re.compile(r"/jobs/\d+/$"))
    job = Job.objects.get()
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    job.refresh_from_db()
    jobs.write_progress(job, 1000, 30000)
    expect(page.locator("#job-counts")).to_have_text(re.compile(r"1,000 / 30,000"))
    expect(page.locator("#job-status")).to_have_text("进行中")
    expect(page.locator("a[href='/jobs/']").first).to_have_text("我的任务")
