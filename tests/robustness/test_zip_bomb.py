"""A zip bomb (a workbook of under 1 MB that unpacks to hundreds): refused from its zip
directory, in the request, before anything is inflated, parsed or queued; whether its bytes
are in one part or spread over many small ones; with the message in both languages."""

import io
import time
import zipfile

import pytest

from benxi_cp import roles
from benxi_cp.models import Job
from tests.robustness.hostile import in_both_languages, upload

UNPACKS = (
    "the workbook unpacks to %(size)s MB, more than the %(limit)s MB allowed; save it again, "
    "or as CSV"
)


def zip_bomb(unpacked_mb: int, parts: int = 1) -> bytes:
    """A workbook-shaped zip whose sheets inflate to `unpacked_mb` MB of one repeated row."""
    buffer = io.BytesIO()
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 1000
    per_part = unpacked_mb * 1024 * 1024 // parts // len(row)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for number in range(1, parts + 1):
            with archive.open(f"xl/worksheets/sheet{number}.xml", "w") as sheet:
                sheet.write(b"<worksheet><sheetData>")
                for _ in range(per_part):
                    sheet.write(row)
                sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("parts", [1, 64])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_zip_bomb_is_refused_in_the_request_from_its_directory(
    client_as, settings, monkeypatch, parts, language
):
    settings.BENXI_IMPORT_MAX_UNPACKED_BYTES = 32 * 1024 * 1024
    settings.BENXI_IMPORT_BACKGROUND_BYTES = 10  # would be queued, were it not refused

    def no_parsing(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr("openpyxl.load_workbook", no_parsing)
    bomb = zip_bomb(64, parts)
    assert len(bomb) < 1024 * 1024
    client = client_as(roles.ADMINISTRATOR)
    client.cookies["django_language"] = language
    started = time.perf_counter()
    response = upload(client, bomb, "bomb.xlsx")
    assert time.perf_counter() - started < 2
    assert response.status_code == 200
    english, chinese = in_both_languages(UNPACKS)
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        unpacked = sum(part.file_size for part in archive.infolist()) / (1024 * 1024)
    assert unpacked > 60
    expected = (english if language == "en" else chinese) % {"size": f"{unpacked:.0f}", "limit": 32}
    assert expected in response.content.decode()
    assert not Job.objects.exists()
