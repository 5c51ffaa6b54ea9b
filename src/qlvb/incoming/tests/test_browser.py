"""A person can see it (issue 3): the system's Chromium runs the whole incoming path with the demo agency —
the clerk registers a scanned PDF, the chairman directs it to Phòng VHXH (lead) and Phòng KT (support)
with a due date, the head of VHXH assigns Đỗ Thanh Hương, she completes it, the chairman accepts the result, the
clerk sees it completed. On the way: a past deadline refused then corrected, an appendix added after registration.
Screenshots of every page go to var/screenshots/incoming/ (and the inbox and document page at 375 px)."""

from __future__ import annotations

import datetime as dt
import os
import re
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import pytest
from django.utils import timezone

from qlvb.conftest import CHROMIUM, CHROMIUM_ARGS
from qlvb.conftest import Session as SharedSession
from qlvb.documents.models import Document, DocumentStatus
from qlvb.documents.types_data import document_types_ensure
from qlvb.signing.tests import samples

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def today() -> dt.date:
    """The date in Asia/Ho_Chi_Minh when the test runs (a run may cross local midnight)."""
    return timezone.localdate()


def yesterday() -> dt.date:
    return today() - dt.timedelta(days=1)


def lead_due() -> dt.date:
    return today() + dt.timedelta(days=26)


def doc_due() -> dt.date:
    return today() + dt.timedelta(days=28)


SHOTS = Path(__file__).resolve().parents[4] / "var" / "screenshots" / "incoming"


def run_in_own_thread(body, *args) -> None:
    """Run ``body(chromium, *args)`` with a Playwright of its own in a worker thread: Playwright's sync API
    refuses to start while another sync Playwright (the web tests' session ``browser``) runs in this thread."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")

    def work() -> None:
        from django.db import connections
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                body(browser, *args)
            finally:
                browser.close()
                # Here, not after the block: Django's connections are per context, and the body ran in this one.
                connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(work).result()


@pytest.fixture
def eager_celery(settings, tmp_path):
    """The signature check queued after the receipt commits runs in the live server's thread."""
    from qlvb.celery_app import app

    settings.FILES_DIR = tmp_path / "files"
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


Session = partial(SharedSession, shots=SHOTS)


def test_the_whole_incoming_path(demo, live_server, eager_celery, tmp_path):
    document_types_ensure()  # an earlier transactional test may have flushed the migration's rows
    run_in_own_thread(whole_path, live_server, tmp_path)
    assert list(Document.objects.values_list("status", flat=True)) == [DocumentStatus.COMPLETED]


def whole_path(chromium, live_server, tmp_path) -> None:
    scan = tmp_path / "cong-van-45-scan.pdf"
    scan.write_bytes(samples.decision_pdf(2))

    # 1. Lê Thu Hà (văn thư) registers the scanned paper document and submits it to the chairman.
    ha = Session(chromium, live_server.url, "lethuha")
    ha.open("/van-ban-den/")
    ha.shot("01-clerk-inbox")
    ha.page.get_by_role("link", name="Tiếp nhận văn bản").click()
    p = ha.page
    p.get_by_label("Kênh tiếp nhận").select_option(label="Bản giấy (số hóa)")
    p.get_by_label("Tệp văn bản (PDF bản điện tử hoặc bản quét)").set_input_files(str(scan))
    p.get_by_label("Loại văn bản").select_option(label="Công văn")
    p.get_by_label("Số", exact=True).fill("45")
    p.get_by_label("Ký hiệu").fill("UBND-LĐTBXH")
    p.get_by_label("Ngày ban hành").fill("05/03/2026")
    p.get_by_label(re.compile(r"^Cơ quan ban hành")).fill("UBND huyện Mê Linh")
    p.get_by_label(re.compile(r"^Trích yếu")).fill("Về việc rà soát hộ nghèo, hộ cận nghèo năm 2026")
    p.get_by_label("Chức vụ người ký").fill("Phó Chủ tịch")
    p.get_by_label("Họ tên người ký").fill("Nguyễn Văn An")
    p.get_by_label("Độ khẩn").select_option(label="Khẩn")
    # A past "thời hạn giải quyết" (the kind of slip a clerk makes) is refused, in Vietnamese, and the chosen
    # scan is kept: she corrects the date and registers without choosing the file again.
    p.get_by_label("Thời hạn giải quyết").fill(f"{yesterday():%d/%m/%Y}")
    ha.shot("02-clerk-receive-form")
    p.get_by_role("button", name="Vào sổ").click()
    p.wait_for_load_state("networkidle")
    assert "/tiep-nhan/" in p.url and "đã qua" in p.locator("main").inner_text()
    assert "cong-van-45-scan.pdf" in p.locator("[data-qlvb=kept-files]").inner_text()
    assert not Document.objects.exists()
    ha.shot("02b-clerk-past-deadline-refused")
    p.get_by_label("Thời hạn giải quyết").fill(f"{doc_due():%d/%m/%Y}")
    p.get_by_role("button", name="Vào sổ").click()
    p.wait_for_url(re.compile(r"/van-ban-den/\d+/$"))
    p.wait_for_load_state("networkidle")
    doc = Document.objects.get()
    assert doc.arrival_number == 1 and doc.page_amount == 2
    assert "Đã vào sổ văn bản đến, số đến 1." in p.content()
    verdict = p.locator("[data-qlvb=signature-verdict]")
    assert verdict.get_attribute("data-state") == "unsigned" and verdict.inner_text() == "Chưa ký số"
    ha.shot("03-clerk-document-registered")
    # A file added after registration: the appendix that came by post a day later.
    appendix = tmp_path / "phu-luc-danh-sach.pdf"
    appendix.write_bytes(samples.decision_pdf(1))
    p.get_by_role("link", name="Thêm, thay tệp").click()
    p.get_by_label("Thêm làm").select_option(label="Phụ lục mới")
    p.get_by_label("Tệp", exact=True).set_input_files(str(appendix))
    ha.shot("03b-clerk-add-file-form")
    p.get_by_role("button", name="Xác nhận").click()
    p.wait_for_url(re.compile(r"/van-ban-den/\d+/$"))
    p.wait_for_load_state("networkidle")
    assert "phu-luc-danh-sach.pdf" in p.locator("[data-qlvb=files]").inner_text()
    assert "Đính kèm tệp" in p.locator("[data-qlvb=timeline]").inner_text()
    ha.shot("03c-clerk-file-added")
    p.get_by_role("link", name="Trình lãnh đạo").click()
    p.get_by_label("Trình lãnh đạo").select_option(label="Nguyễn Văn Hùng")
    p.get_by_role("button", name="Xác nhận").click()
    p.wait_for_url(re.compile(r"/van-ban-den/\d+/$"))
    assert p.locator("[data-qlvb=status]").inner_text() == "Đã trình, chờ cho ý kiến"
    ha.close()

    # 2. Nguyễn Văn Hùng (chủ tịch) directs: Phòng VHXH leads with a due date, Phòng KT supports.
    hung = Session(chromium, live_server.url, "nguyenvanhung")
    hung.open("/van-ban-den/?box=to_direct")
    assert hung.page.locator("[data-qlvb=count-to_direct]").inner_text() == "1"
    hung.shot("04-leader-inbox")
    hung.page.get_by_role("link", name=re.compile("Về việc rà soát hộ nghèo")).click()
    hung.page.get_by_role("link", name="Cho ý kiến chỉ đạo").click()
    p = hung.page
    p.get_by_label("Ý kiến chỉ đạo").fill("Giao Phòng VHXH chủ trì rà soát, Phòng KT phối hợp; báo cáo đúng hạn.")
    assert p.get_by_label("Chủ trì", exact=True).input_value() == ""  # nobody pre-chosen
    p.get_by_label("Chủ trì", exact=True).select_option(label="Phòng Văn hóa - Xã hội")
    p.get_by_label("Hạn xử lý của đơn vị chủ trì").fill(f"{lead_due():%d/%m/%Y}")
    p.get_by_label("Phối hợp", exact=True).select_option(label="Phòng Kinh tế")
    hung.shot("05-leader-direct-form")
    p.get_by_role("button", name="Xác nhận").click()
    p.wait_for_url(re.compile(r"/van-ban-den/\d+/$"))
    assignments = p.locator("[data-qlvb=assignments]").inner_text()
    assert "Phòng Văn hóa - Xã hội" in assignments and "Phòng Kinh tế" in assignments
    assert f"{lead_due():%d/%m/%Y}" in assignments
    hung.shot("06-leader-document-directed")
    hung.close()

    # 3. Hoàng Văn Nam (trưởng phòng VHXH) assigns Đỗ Thanh Hương.
    nam = Session(chromium, live_server.url, "hoangvannam")
    nam.open("/van-ban-den/?box=to_assign")
    assert nam.page.locator("[data-qlvb=count-to_assign]").inner_text() == "1"
    nam.shot("07-dept-leader-inbox")
    nam.page.get_by_role("link", name=re.compile("Về việc rà soát hộ nghèo")).click()
    nam.page.get_by_role("link", name="Phân công", exact=True).click()
    p = nam.page
    p.get_by_label("Ý kiến phân công").fill("Đồng chí Hương thực hiện, báo cáo trước 27/12.")
    p.get_by_label("Chủ trì", exact=True).select_option(label="Đỗ Thanh Hương")
    nam.shot("08-dept-leader-assign-form")
    p.get_by_role("button", name="Xác nhận").click()
    p.wait_for_url(re.compile(r"/van-ban-den/\d+/$"))
    assert "Đỗ Thanh Hương" in p.locator("[data-qlvb=assignments]").inner_text()
    nam.close()

    # 4. Đỗ Thanh Hương (chuyên viên) completes it.
    huong = Session(chromium, live_server.url, "dothanhhuong")
    huong.open("/van-ban-den/")
    assert huong.page.locator("[data-qlvb=count-to_handle]").inner_text() == "1"
    assert huong.page.locator("[data-qlvb=my-due]").inner_text() == f"Hạn xử lý của bạn {lead_due():%d/%m/%Y}"
    huong.shot("09-officer-inbox")
    huong.page.get_by_role("link", name=re.compile("Về việc rà soát hộ nghèo")).click()
    huong.shot("10-officer-document")
    huong.page.get_by_role("link", name="Hoàn thành").click()
    huong.page.get_by_label("Kết quả xử lý").fill("Đã rà soát và gửi danh sách hộ nghèo, hộ cận nghèo về huyện.")
    huong.shot("11-officer-complete-form")
    huong.page.get_by_role("button", name="Xác nhận").click()
    huong.page.wait_for_url(re.compile(r"/van-ban-den/\d+/$"))
    huong.close()
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.IN_PROGRESS  # her part is done; the chairman accepts it

    # 5. Nguyễn Văn Hùng accepts the lead's result (Phòng KT never started: its part is closed and it is told).
    hung = Session(chromium, live_server.url, "nguyenvanhung")
    hung.open("/van-ban-den/?box=to_accept")
    assert hung.page.locator("[data-qlvb=count-to_accept]").inner_text() == "1"
    hung.page.get_by_role("link", name=re.compile("Về việc rà soát hộ nghèo")).click()
    assert "Chờ chấp nhận kết quả" in hung.page.locator("[data-qlvb=assignments]").inner_text()
    hung.shot("11b-leader-result-awaiting")
    hung.page.get_by_role("link", name="Chấp nhận kết quả").click()
    assert "Phòng Kinh tế (phối hợp, chờ xử lý)" in hung.page.locator("main").inner_text()
    hung.page.get_by_label("Nhận xét").fill("Đạt yêu cầu.")
    hung.shot("11c-leader-accept-form")
    hung.page.get_by_role("button", name="Xác nhận").click()
    hung.page.wait_for_url(re.compile(r"/van-ban-den/\d+/$"))
    assert "Đã đóng (văn bản đã hoàn thành)" in hung.page.locator("[data-qlvb=assignments]").inner_text()
    hung.close()

    # 6. The clerk sees it completed, with the whole history; the handling slip prints.
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.COMPLETED
    ha = Session(chromium, live_server.url, "lethuha")
    ha.open(f"/van-ban-den/{doc.pk}/")
    assert ha.page.locator("[data-qlvb=status]").inner_text() == "Đã hoàn thành"
    timeline = ha.page.locator("[data-qlvb=timeline]").inner_text()
    for step in (
        "Vào sổ văn bản đến",
        "Trình lãnh đạo",
        "Cho ý kiến chỉ đạo",
        "Phân công trong phòng",
        "Báo cáo hoàn thành, chờ chấp nhận kết quả",
        "Chấp nhận kết quả xử lý",
        "Hoàn thành xử lý văn bản",
        "Đóng các phần việc còn mở",
    ):
        assert step in timeline
    ha.shot("12-clerk-document-completed")
    ha.open("/van-ban-den/in/so-dang-ky/")
    ha.shot("13-clerk-register-form")
    ha.close()

    # The inbox and the document page at phone width (375 px): nothing scrolls sideways.
    phone = Session(chromium, live_server.url, "lethuha", width=375, height=740)
    phone.open("/van-ban-den/?box=all")
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 375
    phone.shot("14-phone-inbox")
    phone.open(f"/van-ban-den/{doc.pk}/")
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 375
    phone.shot("15-phone-document")
    phone.open(f"/van-ban-den/{doc.pk}/tep/them/")
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 375
    phone.shot("16-phone-add-file")
    phone.close()
