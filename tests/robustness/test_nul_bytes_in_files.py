"""A CSV file with a NUL byte (or another control character) in a cell: it reached the
database (PostgreSQL refuses NUL in text: a server error). Now the file is refused at the row,
in the page and in the background job, in both languages, and nothing is written."""

import pytest
from django.utils import translation

from benxi_cp import roles
from benxi_cp.importers import get_importer
from benxi_cp.models import Job
from enterprises.models import Enterprise
from tests.robustness.hostile import in_both_languages, job_messages, last_job, upload

HEADER = b"code,name,sector,state_large_medium\n"
CONTROL = (
    "the row holds a control character (%(character)s, a NUL byte or another invisible "
    "character) that no column accepts; remove it"
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def run(content: bytes):
    return get_importer("enterprises")().run(content, "e.csv")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("character", "name"), [(b"\x00", "U+0000"), (b"\x1b", "U+001B"), ("\x85".encode(), "U+0085")]
)
def test_a_control_character_in_a_cell_refuses_the_file_at_its_row(character, name):
    content = HEADER + b"N-1,\xe7\x94\xb2,coal,no\nN-2" + character + b",\xe4\xb9\x99,coal,no\n"
    result = run(content)
    assert [str(issue) for issue in result.errors] == [f"row 3: {CONTROL % {'character': name}}"]
    assert not Enterprise.objects.exists()


@pytest.mark.django_db
def test_a_nul_byte_in_the_header_refuses_the_file():
    result = run(b"co\x00de,name,sector,state_large_medium\nN-1,x,coal,no\n")
    assert [issue.row for issue in result.errors] == [1]
    assert "U+0000" in result.errors[0].message


@pytest.mark.django_db
def test_tabs_and_line_breaks_in_quoted_cells_are_no_control_characters():
    result = run(HEADER + b'N-1,"\xe7\x94\xb2\t\xe4\xb9\x99\r\n\xe4\xb8\x99",coal,no\n')
    assert result.ok, [str(issue) for issue in result.errors]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_page_and_the_job_say_so_in_the_users_language(client_as, settings, language):
    content = HEADER + b"N-1\x00,\xe7\x94\xb2,coal,no\n"
    english, chinese = in_both_languages(CONTROL)
    expected = (english if language == "en" else chinese) % {"character": "U+0000"}
    client = client_as(roles.ADMINISTRATOR)
    client.cookies["django_language"] = language
    page = upload(client, content, "nul.csv")
    assert page.status_code == 200
    assert expected in page.content.decode()
    settings.BENXI_IMPORT_BACKGROUND_BYTES = 10  # now as a "large" file: the worker's job
    upload(client, content, "nul.csv")
    job = last_job()
    assert job.status == Job.Status.REFUSED
    assert expected in job_messages(job)
    assert not Enterprise.objects.exists()
