"""Files in other encodings, or in several: a UTF-8 file with a line saved in GBK, a UTF-16
file (its every other byte a NUL), a GBK file. Refused with the line of the first bad byte
and a message in both languages; a UTF-8 file with its byte order mark is read."""

import pytest
from django.utils import translation

from benxi_cp import roles
from benxi_cp.importers import get_importer
from enterprises.models import Enterprise
from tests.robustness.hostile import in_both_languages, upload

HEADER = "code,name,sector,state_large_medium\n"
NOT_UTF8 = "the file is not UTF-8 text (save it as “CSV UTF-8”); the first bad byte is here"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def run(content: bytes):
    return get_importer("enterprises")().run(content, "e.csv")


@pytest.mark.django_db
def test_a_utf8_file_with_a_line_in_gbk_is_refused_at_that_line():
    content = (HEADER + "G-1,甲厂,coal,no\n").encode() + "G-2,乙厂,coal,no\n".encode("gbk")
    result = run(content + "G-3,丙厂,coal,no\n".encode())
    assert [str(issue) for issue in result.errors] == [f"row 3: {NOT_UTF8}"]
    assert not Enterprise.objects.exists()


@pytest.mark.django_db
def test_a_utf16_file_is_refused_at_its_first_line():
    result = run((HEADER + "G-1,甲厂,coal,no\n").encode("utf-16"))
    assert [issue.row for issue in result.errors] == [1]
    assert result.errors[0].message == NOT_UTF8


@pytest.mark.django_db
def test_a_utf8_file_with_a_byte_order_mark_is_read():
    result = run((HEADER + "G-1,甲厂,coal,no\n").encode("utf-8-sig"))
    assert result.ok and result.rows == 1


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_gbk_file_is_refused_in_the_page_in_the_users_language(client_as, language):
    english, chinese = in_both_languages(NOT_UTF8)
    client = client_as(roles.ADMINISTRATOR)
    client.cookies["django_language"] = language
    page = upload(client, (HEADER + "G-1,甲厂,coal,no\n").encode("gbk"), "gbk.csv")
    assert page.status_code == 200
    assert (english if language == "en" else chinese) in page.content.decode()
    assert not Enterprise.objects.exists()
