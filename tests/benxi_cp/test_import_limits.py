"""The limits of an import (docs/operations.md, "Imports and background tasks"): size, rows,
columns, a workbook's unpacked size and declared dimension, checked before the file is parsed; the
first 200 errors listed with the count of all."""

import io
import time
import tracemalloc
import zipfile

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from benxi_cp import roles, tabular
from benxi_cp.importers import MAX_LISTED_ERRORS, get_importer
from enterprises.models import Enterprise

HEADER = "code,name,sector,state_large_medium\n"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def run(content: bytes, filename: str = "e.csv", dry_run: bool = False):
    return get_importer("enterprises")().run(content, filename, dry_run=dry_run)


def messages(result) -> list[str]:
    return [issue.message for issue in result.errors]


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
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item.filename, change(data) if item.filename == name else data)
    return buffer.getvalue()


@pytest.fixture
def no_parsing(monkeypatch):
    """Fails the test if openpyxl is asked to parse the workbook."""

    def refuse(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr("openpyxl.load_workbook", refuse)


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused(settings):
    settings.BENXI_IMPORT_MAX_BYTES = 1024 * 1024
    content = (HEADER + "A-1,甲,coal,no\n").encode() + b" " * (1024 * 1024)
    result = run(content)
    assert not result.ok and "more than the 1 MB allowed" in messages(result)[0]
    assert not Enterprise.objects.exists()


@pytest.mark.django_db
def test_the_upload_form_refuses_a_file_over_the_limit(client_as, settings):
    settings.BENXI_IMPORT_MAX_BYTES = 1024 * 1024
    client = client_as(roles.ADMINISTRATOR)
    client.cookies["django_language"] = "en"
    upload = io.BytesIO(HEADER.encode() + b"x" * (1024 * 1024 + 1))
    upload.name = "big.csv"
    response = client.post(reverse("import", args=["enterprises"]), {"file": upload})
    assert response.status_code == 200
    assert "The file is larger than 1 MB." in response.content.decode()


@pytest.mark.django_db
def test_a_csv_over_the_row_limit_is_refused_and_nothing_written(settings):
    settings.BENXI_IMPORT_MAX_ROWS = 3
    rows = "".join(f"A-{n},甲{n},coal,no\n" for n in range(4))
    result = run((HEADER + rows).encode())
    assert messages(result) == ["the file has more than 3 data rows; split it into several files"]
    assert not Enterprise.objects.exists()
    assert run((HEADER + rows[: rows.index("A-3")]).encode()).ok


@pytest.mark.django_db
def test_a_csv_over_the_column_limit_is_refused(settings):
    settings.BENXI_IMPORT_MAX_COLUMNS = 5
    result = run(b"a,b,c,d,e,f\n1,2,3,4,5,6\n")
    assert messages(result) == ["the file has 6 columns; at most 5 are allowed"]


@pytest.mark.django_db
def test_a_workbook_declaring_too_many_rows_is_refused_before_parsing(settings, no_parsing):
    settings.BENXI_IMPORT_MAX_ROWS = 10
    content = workbook_bytes([["code", "name", "sector", "state_large_medium"]])
    content = rewrite_part(
        content,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b'<dimension ref="A1:D1"', b'<dimension ref="A1:D2000000"'),
    )
    result = run(content, "big.xlsx")
    assert messages(result) == ["a sheet of the workbook has 1999999 rows; at most 10 are allowed"]


@pytest.mark.django_db
def test_a_workbook_declaring_too_many_columns_is_refused_before_parsing(settings, no_parsing):
    content = rewrite_part(
        workbook_bytes([["code", "name"]]),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b'<dimension ref="A1:B1"', b'<dimension ref="A1:XFD1"'),
    )
    result = run(content, "wide.xlsx")
    assert messages(result) == [
        "a sheet of the workbook has 16384 columns; at most 200 are allowed"
    ]


@pytest.mark.django_db
def test_a_workbook_over_the_row_limit_without_dimension_is_refused_as_read(settings):
    settings.BENXI_IMPORT_MAX_ROWS = 3
    header = ["code", "name", "sector", "state_large_medium"]
    content = workbook_bytes([header] + [[f"A-{n}", "甲", "coal", "no"] for n in range(5)])
    content = rewrite_part(
        content,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b'<dimension ref="A1:D6"/>', b""),
    )
    assert b"dimension" not in zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    result = run(content, "rows.xlsx")
    assert messages(result) == ["the file has more than 3 data rows; split it into several files"]


def zip_bomb(unpacked_mb: int) -> bytes:
    """A workbook-shaped zip whose sheet inflates to `unpacked_mb` MB of one repeated row."""
    buffer = io.BytesIO()
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 1000
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b"<worksheet><sheetData>")
            for _ in range(unpacked_mb * 1024 * 1024 // len(row)):
                sheet.write(row)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


@pytest.mark.django_db
def test_a_zip_bomb_is_refused_from_its_directory_quickly(settings, no_parsing):
    settings.BENXI_IMPORT_MAX_UNPACKED_BYTES = 32 * 1024 * 1024
    bomb = zip_bomb(64)
    assert len(bomb) < 1024 * 1024
    tracemalloc.start()
    started = time.perf_counter()
    result = run(bomb, "bomb.xlsx")
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert messages(result)[0].startswith("the workbook unpacks to 64 MB, more than the 32 MB")
    assert elapsed < 2
    assert peak < 8 * 1024 * 1024  # the sheet was never inflated


@pytest.mark.django_db
def test_a_file_that_is_no_workbook_is_refused(client_as):
    client = client_as(roles.ADMINISTRATOR)
    client.cookies["django_language"] = "en"
    upload = io.BytesIO(b"PK\x03\x04 not really a zip")
    upload.name = "broken.xlsx"
    response = client.post(reverse("import", args=["enterprises"]), {"file": upload})
    assert response.status_code == 200
    assert "cannot be opened" in response.content.decode()


@pytest.mark.django_db
def test_errors_are_listed_up_to_200_with_the_count_of_all(client_as):
    rows = "".join(f"B-{n},乙{n},no-such-sector,no\n" for n in range(450))
    result = run((HEADER + rows).encode())
    assert result.error_count == 450
    assert len(result.errors) == MAX_LISTED_ERRORS
    assert [issue.row for issue in result.errors[:2]] == [2, 3]
    client = client_as(roles.ADMINISTRATOR)
    client.cookies["django_language"] = "en"
    upload = io.BytesIO((HEADER + rows).encode())
    upload.name = "bad.csv"
    page = client.post(reverse("import", args=["enterprises"]), {"file": upload})
    text = page.content.decode()
    assert "The file is refused: 450 errors" in text
    assert "The first 200 errors are listed." in text
    assert text.count("<li>row ") == MAX_LISTED_ERRORS


@pytest.mark.django_db
def test_a_row_with_more_cells_than_the_header_refuses_the_file():
    result = run((HEADER + "C-1,丙,coal,no,extra\nC-2,丁,coal,no\n").encode())
    assert [str(issue) for issue in result.errors] == [
        "row 2: the row has more cells than the header has columns"
    ]
    assert not Enterprise.objects.exists()


def test_rows_are_read_again_each_time_from_the_file(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text(HEADER + "D-1,丁,coal,no\n\nD-2,戊,coal,no\n", encoding="utf-8")
    with tabular.Table(path, "e.csv") as table:
        first = list(table.rows())
        assert first == list(table.rows())
    assert first == [["D-1", "丁", "coal", "no"], [], ["D-2", "戊", "coal", "no"]]


@pytest.mark.django_db
def test_a_bad_byte_is_found_on_its_line_in_a_large_file():
    rows = "".join(f"E-{n},己,coal,no\n" for n in range(5000)).encode()
    content = HEADER.encode() + rows + b"E-x,\xff\xfe,coal,no\n"
    result = run(content)
    assert result.errors[0].row == 5002
    assert "UTF-8" in result.errors[0].message
