"""A workbook under 1 MB whose sheet has no <dimension> and 800,000 rows: it used to hold a
worker for two minutes in the request (openpyxl scanned the whole sheet for its size before
the first row was counted). Now the request hands it to the background worker at once, from
its zip directory; the row limit is counted while the rows stream, whatever the sheet
declares; and a sheet that declares fewer rows than it has hides none of them."""

import re
import time
import tracemalloc

import pytest
from django.urls import reverse
from django.utils import translation

from benxi_cp import roles
from benxi_cp.importers import get_importer
from benxi_cp.models import Job
from enterprises.models import Enterprise
from tests.robustness.hostile import (
    HEADER,
    SHEET,
    last_job,
    rewrite_part,
    undimensioned,
    upload,
    workbook_bytes,
)

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def eight_hundred_thousand_rows() -> bytes:
    return undimensioned(800_000)


@pytest.mark.django_db
def test_the_request_hands_it_to_the_worker_within_seconds(
    client_as, settings, eight_hundred_thousand_rows
):
    settings.TASKS = DUMMY  # queued, not run
    content = eight_hundred_thousand_rows
    assert len(content) < settings.BENXI_IMPORT_BACKGROUND_BYTES  # small by its bytes
    client = client_as(roles.ADMINISTRATOR)
    started = time.perf_counter()
    response = upload(client, content, "rows.xlsx")
    elapsed = time.perf_counter() - started
    job = last_job()
    assert job is not None and job.status == Job.Status.QUEUED
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert elapsed < 3


@pytest.mark.django_db
def test_the_row_limit_is_counted_as_the_rows_stream(settings, eight_hundred_thousand_rows):
    settings.BENXI_IMPORT_MAX_ROWS = 1000
    tracemalloc.start()
    started = time.perf_counter()
    result = get_importer("enterprises")().run(eight_hundred_thousand_rows, "rows.xlsx")
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert [issue.message for issue in result.errors] == [
        "the file has more than 1000 data rows; split it into several files"
    ]
    assert elapsed < 3  # the 799,000 rows after the limit are never read
    assert peak < 32 * 1024 * 1024


@pytest.mark.django_db
def test_a_sheet_declaring_fewer_rows_than_it_has_hides_none(client_as):
    rows = [[f"D-{n}", f"丁{n}", "coal", "no"] for n in range(5)]
    content = rewrite_part(
        workbook_bytes([HEADER, *rows]),
        SHEET,
        lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:D2"/>', xml),
    )
    client = client_as(roles.ADMINISTRATOR)
    page = upload(client, content, "short.xlsx")
    token = re.search(r'name="token" value="([0-9a-f]+)"', page.content.decode()).group(1)
    client.post(reverse("import", args=["enterprises"]), {"token": token, "suffix": ".xlsx"})
    assert sorted(Enterprise.objects.values_list("code", flat=True)) == [f"D-{n}" for n in range(5)]
