"""The text of every stored file, by kind, recorded after commit (issue 12)."""

from __future__ import annotations

import io
import unicodedata

import pytest

from qlvb.files.extraction import ENGINE_OCR, ENGINE_OFFICE, ENGINE_PDFTOTEXT, ENGINE_PLAIN
from qlvb.files.intake import file_intake
from qlvb.files.models import Channel, FileText, StoredFile, TextState
from qlvb.files.storage import blob_path
from qlvb.files.texts import file_text_extract

from . import bombs, samples, scans, textfiles


@pytest.fixture
def take(person):
    def take(data: bytes, name: str) -> StoredFile:
        return file_intake(actor=person("lethuha"), stream=io.BytesIO(data), original_name=name, channel=Channel.WEB)

    return take


def test_intake_schedules_the_text_after_commit(take, celery_eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        stored = take(samples.txt_bytes(), "qd.txt")
    assert FileText.objects.get(stored_file=stored).state == TextState.PENDING  # nothing ran before commit
    assert len(callbacks) == 1
    callbacks[0]()
    text = FileText.objects.get(stored_file=stored)
    assert text.state == TextState.DONE
    assert text.text.startswith("Quyết định số 15")


def test_pdf_text_layer_page_by_page(take):
    stored = take(textfiles.text_pdf(["Quyet dinh so 15 ve viec kien toan", "Noi nhan: nhu tren"]), "qd.pdf")
    text = file_text_extract(stored)
    assert (text.state, text.engine, text.page_count) == (TextState.DONE, ENGINE_PDFTOTEXT, 2)
    assert text.text.split("\f") == ["Quyet dinh so 15 ve viec kien toan", "Noi nhan: nhu tren"]
    assert text.searchable_pdf is None and text.ocr_confidence is None


def test_office_files_through_libreoffice(take):
    text = file_text_extract(take(bombs.plain_docx(paragraphs=3), "qd.docx"))
    assert (text.state, text.engine) == (TextState.DONE, ENGINE_OFFICE)
    assert "Điều 2. Nội dung của khoản" in text.text
    sheet = file_text_extract(take(samples.xlsx_bytes(), "so.xlsx"))
    assert sheet.state == TextState.DONE and "Kiện toàn Ban chỉ đạo" in sheet.text


TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below


def _cp1258(text: str) -> bytes:
    """As Windows-1258 writes Vietnamese: base letters (ê, ơ, đ) precomposed, tones as combining marks."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            tone = "".join(p for p in parts if p in TONES)
            base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in TONES))
            out += base.encode("cp1258") + tone.encode("cp1258")
    return out


def test_plain_text_in_windows_1258_is_decoded_to_nfc(take):
    legacy = _cp1258("Quyết định về việc kiện toàn Ban chỉ đạo")
    text = file_text_extract(take(legacy, "qd.txt"))
    assert (text.state, text.engine, text.language) == (TextState.DONE, ENGINE_PLAIN, "vi")
    assert text.text == "Quyết định về việc kiện toàn Ban chỉ đạo"


def test_scan_is_ocred_and_a_searchable_copy_is_kept_beside_the_untouched_original(take):
    original = textfiles.scanned_pdf()
    stored = take(original, "scan.pdf")
    text = file_text_extract(stored)
    assert (text.state, text.engine, text.page_count, text.language) == (TextState.DONE, ENGINE_OCR, 1, "vi")
    assert "QUYẾT ĐỊNH" in text.text and "Nguyễn Văn Hùng" in text.text
    assert text.ocr_confidence is not None and text.ocr_confidence > 80
    copy = text.searchable_pdf
    assert copy is not None and copy.pk != stored.pk and copy.blob_id != stored.blob_id
    assert copy.blob.kind == "pdf" and b"pdfaid:part" in blob_path(copy.blob.sha256).read_bytes()  # PDF/A
    assert blob_path(stored.blob.sha256).read_bytes() == original  # the original is never rewritten
    assert not FileText.objects.filter(stored_file=copy).exists()  # the copy is not read again


def test_an_image_is_ocred(take):
    text = file_text_extract(take(textfiles.scanned_png(), "cv.png"))
    assert (text.state, text.engine) == (TextState.DONE, ENGINE_OCR)
    assert "Kính gửi" in text.text
    assert scans.cer(scans.CONG_VAN, text.text) < 0.05


def test_rerunning_is_idempotent_unless_forced(take):
    stored = take(samples.txt_bytes(), "qd.txt")
    first = file_text_extract(stored)
    FileText.objects.filter(pk=first.pk).update(text="đã sửa tay")
    again = file_text_extract(stored)
    assert (again.text, again.attempts) == ("đã sửa tay", 1)  # done is left as it is
    forced = file_text_extract(stored, force=True)
    assert (forced.text.startswith("Quyết định"), forced.attempts) == (True, 2)


def test_same_content_shares_the_work(take):
    first = file_text_extract(take(samples.txt_bytes(), "a.txt"))
    second = file_text_extract(take(samples.txt_bytes(), "b.txt"))
    assert second.state == TextState.DONE and second.text == first.text and second.timings == {}


def test_a_blank_pdf_page_is_not_ocred(take):
    text = file_text_extract(take(samples.pdf_bytes(), "trang.pdf"))  # one page, no text, no image
    assert (text.state, text.engine, text.page_count, text.text) == (TextState.DONE, ENGINE_PDFTOTEXT, 1, "")


def test_the_task_goes_to_the_ocr_queue():
    from qlvb.celery_app import app

    assert app.amqp.router.route({}, "qlvb.files.file_text_extract")["queue"].name == "ocr"
    assert app.amqp.router.route({}, "qlvb.files.upload_temp_sweep")["queue"].name == "default"
