"""Bad input for the text pipeline (issue 12): each ends *failed* with a Vietnamese reason, the stored
file stays usable, and the task (the worker) carries on."""

from __future__ import annotations

import io

import pytest

from qlvb.files.intake import file_intake
from qlvb.files.models import Channel, FileText, StoredFile, TextState
from qlvb.files.services import file_open
from qlvb.files.tasks import file_text_extract_task
from qlvb.files.texts import file_text_extract

from . import samples, textfiles


@pytest.fixture
def take(person):
    def take(data: bytes, name: str) -> StoredFile:
        return file_intake(actor=person("lethuha"), stream=io.BytesIO(data), original_name=name, channel=Channel.WEB)

    return take


def assert_failed_but_usable(person, stored: StoredFile, data: bytes, code: str, words: str) -> FileText:
    assert file_text_extract_task(stored.pk) == TextState.FAILED  # the task returns: the worker survives
    text = FileText.objects.get(stored_file=stored)
    assert (text.state, text.code, text.text) == (TextState.FAILED, code, "")
    assert words in text.reason
    opened = file_open(actor=person("lethuha"), stored_file=stored)  # the document stays usable
    with opened.handle:
        assert opened.handle.read() == data
    return text


def test_encrypted_pdf(person, take):
    data = textfiles.encrypted_pdf()
    assert_failed_but_usable(person, take(data, "mat-khau.pdf"), data, "text_encrypted", "được mã hóa bằng mật khẩu")


def test_pdf_bomb_by_page_count(person, take):
    data = textfiles.many_pages_pdf(5000)
    text = assert_failed_but_usable(person, take(data, "bom.pdf"), data, "text_too_many_pages", "5000 trang")
    assert "2000" in text.reason


def test_pdf_bomb_by_nesting(person, take):
    data = textfiles.nested_pdf()
    assert_failed_but_usable(person, take(data, "long.pdf"), data, "text_corrupt", "bị hỏng")


def test_corrupt_docx(person, take):
    data = textfiles.corrupt_docx()
    assert_failed_but_usable(person, take(data, "hong.docx"), data, "text_office", "LibreOffice không đọc được")


def test_image_of_60_megapixels(person, take):
    data = textfiles.huge_png(60)
    text = assert_failed_but_usable(person, take(data, "lon.png"), data, "text_image_too_large", "60 megapixel")
    assert "40 megapixel" in text.reason


def test_extraction_longer_than_the_limit(person, take, settings):
    settings.QLVB_TEXT_TIMEOUT = 1
    data = textfiles.scanned_png(dpi=200)
    text = assert_failed_but_usable(person, take(data, "cham.png"), data, "text_timeout", "quá 1 giây")
    assert text.attempts == 1


def test_a_failed_text_is_read_again(person, take, settings):
    stored = take(samples.txt_bytes(), "qd.txt")
    FileText.objects.filter(stored_file=stored).update(state=TextState.FAILED, reason="lần trước hỏng")
    assert file_text_extract(stored).state == TextState.DONE  # retry: a failed text is not final
