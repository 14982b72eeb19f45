"""A workbook whose zip directory lies: it declares its sheet of 64 MB to be 1 KB (so it
passes the unpacked limit), or points a part to where there is none. Refused as damaged,
quickly and in bounded memory: no more than the declared bytes are ever inflated."""

import io
import struct
import time
import tracemalloc
import zipfile

import pytest
from django.utils import translation

from benxi_cp import roles
from benxi_cp.importers import get_importer
from enterprises.models import Enterprise
from tests.robustness.hostile import SHEET, in_both_languages, upload
from tests.robustness.test_zip_bomb import zip_bomb

DAMAGED = (
    "the XLSX file is damaged: its content cannot be read (save it again from Excel, or as CSV)"
)
NOT_A_WORKBOOK = "the XLSX file cannot be opened; is it a real Excel workbook?"


def forge_directory(content: bytes, name: str, **fields) -> bytes:
    """`content` with the central directory's entry of `name` changed: `size` (its
    uncompressed size) and/or `offset` (where its local header is)."""
    data = bytearray(content)
    start = data.find(b"PK\x01\x02")
    while start != -1:
        name_length = struct.unpack_from("<H", data, start + 28)[0]
        if data[start + 46 : start + 46 + name_length] == name.encode():
            if "size" in fields:
                struct.pack_into("<I", data, start + 24, fields["size"])
            if "offset" in fields:
                struct.pack_into("<I", data, start + 42, fields["offset"])
            return bytes(data)
        start = data.find(b"PK\x01\x02", start + 46)
    raise AssertionError(f"no entry {name}")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.django_db
def test_a_sheet_declared_small_that_inflates_to_64_mb_is_refused_as_damaged(settings):
    settings.BENXI_IMPORT_MAX_UNPACKED_BYTES = 32 * 1024 * 1024
    forged = forge_directory(zip_bomb(64), SHEET, size=1024)
    with zipfile.ZipFile(io.BytesIO(forged)) as archive:  # the directory is within limits
        assert sum(part.file_size for part in archive.infolist()) < 2048
    tracemalloc.start()
    started = time.perf_counter()
    result = get_importer("enterprises")().run(forged, "forged.xlsx")
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert [issue.message for issue in result.errors] in ([DAMAGED], [NOT_A_WORKBOOK])
    assert elapsed < 2
    assert peak < 16 * 1024 * 1024  # never inflated past what it declared


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_part_pointing_nowhere_is_refused_in_the_page(client_as, language):
    forged = forge_directory(zip_bomb(1), SHEET, offset=7)
    client = client_as(roles.ADMINISTRATOR)
    client.cookies["django_language"] = language
    response = upload(client, forged, "forged.xlsx")
    assert response.status_code == 200
    english, chinese = in_both_languages(NOT_A_WORKBOOK)
    text = response.content.decode()
    assert (english if language == "en" else chinese) in text
    assert not Enterprise.objects.exists()
