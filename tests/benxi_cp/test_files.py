"""Stored documents handed back: the file under its user's name, or a clear 404."""

import io

import pytest
from django.http import Http404
from django.utils import translation

from benxi_cp.files import attachment


class Stored:
    def __init__(self, content: bytes | None):
        self.content = content

    def open(self, mode: str):
        if self.content is None:
            raise FileNotFoundError("gone")
        return io.BytesIO(self.content)


def test_a_stored_file_is_an_attachment_under_its_users_name():
    response = attachment(Stored(b"%PDF-1.4"), "审核报告.pdf", "application/pdf")
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "filename*=utf-8''%E5%AE%A1" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == b"%PDF-1.4"


def test_a_file_gone_from_the_disk_is_a_404_that_says_so():
    with translation.override("zh-hans"), pytest.raises(Http404, match="该文件已丢失"):
        attachment(Stored(None), "x.pdf", "application/pdf")
