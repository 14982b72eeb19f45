"""A workbook of 2 KB with a mismatched tag in its sheet: a clear message in both languages,
in the page (a small file) and in the background job (a large one); never a server error."""

import pytest

from benxi_cp import roles
from benxi_cp.models import Job
from enterprises.models import Enterprise
from tests.robustness.hostile import (
    HEADER,
    SHEET,
    in_both_languages,
    job_messages,
    last_job,
    rewrite_part,
    upload,
    workbook_bytes,
)

DAMAGED = (
    "the XLSX file is damaged: its content cannot be read (save it again from Excel, or as CSV)"
)
NOT_A_WORKBOOK = "the XLSX file cannot be opened; is it a real Excel workbook?"


def mismatched_sheet() -> bytes:
    content = workbook_bytes([HEADER, ["M-1", "甲", "coal", "no"]])
    return rewrite_part(content, SHEET, lambda xml: xml.replace(b"</row>", b"</rox>", 1))


def mismatched_workbook_part() -> bytes:
    content = workbook_bytes([HEADER])
    return rewrite_part(content, "xl/workbook.xml", lambda xml: xml.replace(b"</sheets>", b"</x>"))


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_sheet_with_a_mismatched_tag_is_refused_in_the_page(client_as, language):
    content = mismatched_sheet()
    assert len(content) < 8 * 1024
    client = client_as(roles.ADMINISTRATOR)
    client.cookies["django_language"] = language
    response = upload(client, content, "mismatched.xlsx")
    assert response.status_code == 200
    english, chinese = in_both_languages(DAMAGED)
    assert (english if language == "en" else chinese) in response.content.decode()
    assert not Enterprise.objects.exists()


@pytest.mark.django_db
def test_a_workbook_part_with_a_mismatched_tag_is_refused_in_the_page(client_as):
    client = client_as(roles.ADMINISTRATOR)
    client.cookies["django_language"] = "en"
    response = upload(client, mismatched_workbook_part(), "mismatched.xlsx")
    assert response.status_code == 200
    assert NOT_A_WORKBOOK in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_large_file_with_a_mismatched_tag_fails_its_job_with_the_message(
    client_as, settings, language
):
    settings.BENXI_IMPORT_BACKGROUND_BYTES = 10  # a "large" file: checked by the worker
    client = client_as(roles.ADMINISTRATOR)
    client.cookies["django_language"] = language
    response = upload(client, mismatched_sheet(), "mismatched.xlsx")
    job = last_job()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert job.status == Job.Status.REFUSED
    english, chinese = in_both_languages(DAMAGED)
    assert (english if language == "en" else chinese) in job_messages(job)
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200
    assert (english if language == "en" else chinese) in page.content.decode()
