"""Hostile files for the robustness tests: workbooks rewritten part by part, uploaded to
the import page, run as a background job; the messages a user reads in both languages."""

import io
import re
import zipfile

from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from benxi_cp.models import Job

HEADER = ["code", "name", "sector", "state_large_medium"]
SHEET = "xl/worksheets/sheet1.xml"


def workbook_bytes(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite_part(content: bytes, name: str, change) -> bytes:
    """The workbook `content` with its part `name` changed by `change(bytes) -> bytes`."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item.filename, change(data) if item.filename == name else data)
    return buffer.getvalue()


def undimensioned(rows: int) -> bytes:
    """A real workbook (the header row) whose sheet has no <dimension> and `rows` data rows
    of one cell each (without their optional numbers), written straight into its XML:
    800,000 rows make a file under 1 MB."""

    def change(xml: bytes) -> bytes:
        xml = re.sub(rb"<dimension[^>]*/>", b"", xml)
        head, _, tail = xml.partition(b"</sheetData>")
        body = b'<row><c t="inlineStr"><is><t>Z</t></is></c></row>' * rows
        return head + body + b"</sheetData>" + tail

    return rewrite_part(workbook_bytes([HEADER]), SHEET, change)


def upload(client, content: bytes, name: str, kind: str = "enterprises"):
    file = io.BytesIO(content)
    file.name = name
    return client.post(reverse("import", args=[kind]), {"file": file})


def in_both_languages(message: str) -> tuple[str, str]:
    """A catalogue message in English and in Chinese (which must differ: it is translated)."""
    with translation.override("en"):
        english = translation.gettext(message)
    with translation.override("zh-hans"):
        chinese = translation.gettext(message)
    assert chinese != english, f"not translated: {message}"
    return english, chinese


def page_text(response) -> str:
    return response.content.decode()


def job_messages(job: Job) -> str:
    job.refresh_from_db()
    return "\n".join(job.messages)


def last_job() -> Job:
    return Job.objects.order_by("-pk").first()
