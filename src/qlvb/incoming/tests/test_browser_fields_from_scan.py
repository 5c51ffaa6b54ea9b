"""A person can see it (issue 12): the clerk chooses a scanned Quyết định (an image-only PDF drawn by Pillow,
no text layer) on the receive form; the file is taken in at once and read by the real OCR (OCRmyPDF +
Tesseract, Celery eager in the live server's thread); the page offers "Điền từ nội dung tệp", which fills the
number, notation, date, organ, type, subject and position, marked for checking, and keeps the signer's name
the clerk had typed (the file's value shown under it); the "Nơi nhận" lines of the scan are listed under the
form, read-only, and not saved. She registers; a search for words found only in the
scan's body finds the document, and one letter short it is offered with "Có phải bạn muốn tìm".
Screenshots: var/screenshots/incoming-fields-*.png."""

from __future__ import annotations

import os
import re
import shutil
from urllib.parse import urlencode

import pytest

from qlvb.documents.models import Document
from qlvb.documents.types_data import document_types_ensure
from qlvb.files.tests.scans import Scan, pdf_bytes, render

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCAN_TEXT = """ỦY BAN NHÂN DÂN
HUYỆN BẾN LỨC
Số: 27/QĐ-UBND
Bến Lức, ngày 05 tháng 3 năm 2026
QUYẾT ĐỊNH
Về việc phê duyệt phương án sản xuất vụ đông năm 2026
CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN BẾN LỨC
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
Xét đề nghị của Trưởng phòng Nông nghiệp và Phát triển nông thôn.
QUYẾT ĐỊNH:
Điều 1. Giao Hợp tác xã Thạnh Lợi trồng thử nghiệm giống khoai lang tím
trên diện tích mười hai héc-ta tại ấp Hòa Bình.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký.
Nơi nhận:
- Như Điều 2;
- Lưu: VT.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Văn An"""


@pytest.fixture
def eager_ocr(settings, tmp_path):
    """The text extraction queued after the upload commits runs in the live server's thread."""
    if not shutil.which("ocrmypdf") or not shutil.which("tesseract"):
        pytest.skip("OCRmyPDF and Tesseract are not installed (scripts/system-packages.sh)")
    from qlvb.celery_app import app

    settings.FILES_DIR = tmp_path / "files"
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def test_the_clerk_registers_a_scan_from_the_fields_read_in_it(
    demo, eager_ocr, browser_as, live_server, shot, tmp_path
):
    document_types_ensure()  # an earlier transactional test may have flushed the migration's rows
    scan = tmp_path / "quyet-dinh-27-scan.pdf"
    scan.write_bytes(pdf_bytes(render(Scan(SCAN_TEXT, dpi=300)), dpi=300))

    page = browser_as("lethuha")
    page.goto(f"{live_server.url}/van-ban-den/tiep-nhan/")
    page.get_by_label("Kênh tiếp nhận").select_option(label="Bản giấy (số hóa)")
    page.get_by_label("Họ tên người ký").fill("Nguyễn Văn B")  # typed before the file was read: it stays
    page.get_by_label("Tệp văn bản (PDF bản điện tử hoặc bản quét)").set_input_files(str(scan))
    fill = page.locator("[data-qlvb=fill-from-file]")
    fill.wait_for(state="visible", timeout=180_000)  # OCR of one page in the server's thread
    assert "quyet-dinh-27-scan.pdf" in page.locator("[data-qlvb=file-fields-name]").inner_text()
    shot(page, "incoming-fields-01-ready")
    fill.click()

    assert page.get_by_label("Số", exact=True).input_value() == "27"
    assert page.get_by_label("Ký hiệu").input_value() == "QĐ-UBND"
    assert page.get_by_label("Ngày ban hành").input_value() == "05/03/2026"
    assert page.get_by_label(re.compile(r"^Cơ quan ban hành")).input_value() == "Ủy ban nhân dân huyện Bến Lức"
    assert page.get_by_label(re.compile(r"^Trích yếu")).input_value() == (
        "Về việc phê duyệt phương án sản xuất vụ đông năm 2026"
    )
    assert page.locator("#id_doc_type option:checked").inner_text() == "Quyết định"
    assert page.get_by_label("Chức vụ người ký").input_value() == "Phó Chủ tịch"
    # what the clerk typed is not overwritten; the file's value is shown under it
    assert page.get_by_label("Họ tên người ký").input_value() == "Nguyễn Văn B"
    notes = page.locator("[data-qlvb=suggested-note]").all_inner_texts()
    assert "Trong tệp: Nguyễn Văn An" in notes
    assert page.locator("[data-qlvb-suggested]").count() == 7  # each filled field marked for checking
    assert "hãy kiểm tra" in page.locator("[data-qlvb=file-fields-status]").inner_text()
    # the "Nơi nhận" lines of the scan, under the form: to read, not a field (nothing of them is sent)
    recipients = page.locator("[data-qlvb=file-recipients]")
    assert recipients.is_visible()
    assert "Nơi nhận trong tệp:" in recipients.inner_text()
    assert recipients.locator("li").all_inner_texts() == ["Như Điều 2", "Lưu: VT"]
    assert recipients.locator("input, textarea, select").count() == 0
    recipients.scroll_into_view_if_needed()
    shot(page, "incoming-fields-02c-recipients")
    page.locator("[data-qlvb=file-fields]").scroll_into_view_if_needed()
    shot(page, "incoming-fields-02-prefilled")
    page.set_viewport_size({"width": 375, "height": 740})  # the same form on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, "incoming-fields-02b-prefilled-375px")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label("Họ tên người ký").fill("Nguyễn Văn An")  # she checks it against the paper
    page.get_by_role("button", name="Vào sổ").click()
    page.wait_for_url(re.compile(r"/van-ban-den/\d+/$"))
    doc = Document.objects.get()
    assert (doc.code_number, doc.code_notation, doc.organ_name) == ("27", "QĐ-UBND", "Ủy ban nhân dân huyện Bến Lức")
    assert doc.attachments.count() == 1  # the file taken in when chosen, not a second copy
    assert doc.to_places == ""  # the recipients read from the file were only shown

    # the Chủ tịch types three accent-free words found only in the scan's body: the document comes first,
    # the words highlighted; an officer of another department, who may not open it, finds nothing
    leader = browser_as("nguyenvanhung")
    leader.goto(f"{live_server.url}/tim-kiem/?q=khoai+lang+tim")
    hits = leader.locator("[data-qlvb=search-hit]")
    assert hits.count() == 1
    assert "phương án sản xuất vụ đông" in hits.first.inner_text()
    assert [m.lower() for m in leader.locator("[data-qlvb=search-snippet] mark").all_inner_texts()] == [
        "khoai",
        "lang",
        "tím",
    ]
    shot(leader, "incoming-fields-03-found-by-its-body")
    outsider = browser_as("ngothuytrang")  # Phòng Kinh tế: not assigned the document
    outsider.goto(f"{live_server.url}/tim-kiem/?q=khoai+lang+tim")
    assert outsider.locator("[data-qlvb=search-hit]").count() == 0
    assert "khoai" not in outsider.locator("main").inner_text().replace("khoai lang tim", "")

    page.goto(f"{live_server.url}/tim-kiem/?{urlencode({'q': 'Bến Lứ'})}")  # one letter short
    assert page.locator("[data-qlvb=search-hit]").count() == 1
    suggestion = page.locator("[data-qlvb=search-suggestion] a")
    assert suggestion.inner_text() == "Bến Lức"
    shot(page, "incoming-fields-04-one-letter-short")
    suggestion.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-qlvb=search-hit]").count() == 1
    assert page.locator("[data-qlvb=search-suggestion]").count() == 0  # an exact match now
