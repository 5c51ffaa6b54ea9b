"""The first day after ``make run`` (issue 8): nothing set up by hand. The database is migrated, ``qlvb demo``
runs in an empty data folder (directory, people, the demo PKI, keys, signing profiles, the demo root as the
only trust anchor) and the demo PKI's OCSP/CRL/TSA and remote signing service run as ``qlvb serve`` starts
them. No test PKI, no test profile, no anchor fixture.

Outgoing: Hương drafts a công văn from an ordinary LibreOffice template (NĐ 30 Phụ lục III header as a
two-column table, blanks of spaces) to Trạm Y tế and to a typed outside recipient; a past "Hạn trả lời" is
refused in Vietnamese, then corrected; Nam approves, Hà ticks the format checklist, Hùng signs with his
demo key and PIN, Hà numbers, seals, sees who gets it how, sends Mê Linh on paper and issues; Loan sees it
arrive. The final PDF verifies (two valid signatures) and its first page reads "Số: 01/UBND-VHXH".

Incoming: Hà registers a scan with a past deadline (refused, corrected), adds a file after registration;
Hùng's past sub-deadline is refused. Screenshots in var/screenshots/first-day/."""

from __future__ import annotations

import datetime as dt
import re
import socket
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from qlvb.conftest import SCREENSHOTS, assert_accessible
from qlvb.files.storage import blob_path
from qlvb.outgoing.models import Outgoing
from qlvb.outgoing.tests.browsing import draft_form_submit
from qlvb.signing import number_fields
from qlvb.signing.demo_pki import DemoPKI, service_environment, start_services
from qlvb.signing.tests import pages, samples
from qlvb.signing.tests.templates import TEMPLATES, odt
from qlvb.signing.verify import verify_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "LienMinh@2025"  # the demo password, and the PIN of every demo key
SHOTS = SCREENSHOTS / "first-day"


def today() -> dt.date:
    """The date in Asia/Ho_Chi_Minh when the test runs (a run may cross local midnight)."""
    return timezone.localdate()


def yesterday() -> dt.date:
    return today() - dt.timedelta(days=1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def first_day(transactional_db: None, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """``make run`` in an empty data folder: ``qlvb demo`` (the whole command) and the demo services."""
    from qlvb.celery_app import app

    settings.DATA_DIR = tmp_path / "var"
    settings.FILES_DIR = tmp_path / "var" / "files"
    for name in ("QLVB_TRUST_ANCHORS_DIR", "QLVB_TSA_URL", "QLVB_CSC_SERVICES", "QLVB_PKCS12_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("QLVB_DEMO_PKI_URL", f"http://127.0.0.1:{_free_port()}")
    monkeypatch.setenv("QLVB_DEMO_CSC_URL", f"http://127.0.0.1:{_free_port()}")
    call_command("demo")
    pki = DemoPKI()
    stop = start_services(pki)
    for key, value in service_environment(pki).items():
        monkeypatch.setenv(key, value)
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True  # the conversion and the exchange run in the live server's thread
    yield
    app.conf.task_always_eager = before
    stop()


def snap(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def settle(page) -> None:
    page.wait_for_load_state("networkidle")


def test_first_day_outgoing(first_day, live_server, browser_as, tmp_path):
    base = live_server.url
    template = tmp_path / "cong-van-mau.odt"  # LibreOffice: table header, blanks of spaces, year typed
    template.write_bytes(odt(TEMPLATES["odt-spaces"][0]))

    huong = browser_as("dothanhhuong")
    draft_form_submit(
        huong,
        base,
        template,
        copies="",
        others="- Trung tâm Y tế huyện Mê Linh;\n- Như trên;\n- Lưu: VT, VHXH.",
        reply_due=f"{yesterday():%d/%m/%Y}",
    )
    assert f"Hạn trả lời {yesterday():%d/%m/%Y} đã qua" in huong.locator("main").inner_text()
    assert not Outgoing.objects.exists()
    snap(huong, "out-1-past-reply-due-refused")
    huong.get_by_label("Hạn trả lời").fill(f"{today() + dt.timedelta(days=20):%d/%m/%Y}")
    # the chosen file is kept across the refusal: she does not choose it again
    assert "cong-van-mau.odt" in huong.locator('[data-qlvb="kept-files"]').inner_text()
    huong.locator('[data-qlvb="save"]').click()
    settle(huong)
    detail = huong.url
    assert re.search(r"/van-ban-di/\d+/$", detail), detail
    assert Outgoing.objects.get().versions.filter(pdf__isnull=False).exists()  # converted (Celery, eager)
    snap(huong, "out-2-drafted")
    huong.locator('[data-qlvb="submit"]').click()
    settle(huong)

    nam = browser_as("hoangvannam")
    nam.goto(detail)
    nam.locator('[data-qlvb="approve"]').click()
    settle(nam)

    ha = browser_as("lethuha")
    ha.goto(detail)
    boxes = ha.locator('[data-qlvb="format-check"] input[type=checkbox]')
    for i in range(boxes.count()):  # unticked: the clerk ticks each item herself
        assert not boxes.nth(i).is_checked()
        boxes.nth(i).check()
    ha.locator('[data-qlvb="format-ok"]').click()
    settle(ha)
    assert "Chờ ký ban hành" in ha.content()

    hung = browser_as("nguyenvanhung")
    hung.goto(detail)
    assert_accessible(hung, "sign step")
    snap(hung, "out-3-sign-step")
    hung.get_by_label("Mã PIN / mật khẩu khóa ký số").fill(PASSWORD)
    hung.locator('[data-qlvb="sign-ok"]').click()
    settle(hung)
    assert "Đã ký, chờ cấp số" in hung.content(), hung.locator("main").inner_text()[:600]
    snap(hung, "out-4-signed")

    ha.goto(detail)
    ha.locator('[data-qlvb="number"]').click()
    settle(ha)
    assert ha.locator('[data-qlvb="number-notation"]').inner_text() == "01/UBND-VHXH"
    ha.get_by_label("Mã PIN khóa ký số của cơ quan").fill(PASSWORD)
    ha.locator('[data-qlvb="sign-agency-ok"]').click()
    settle(ha)
    summary = ha.locator('[data-qlvb="recipient-summary"]')
    text = summary.inner_text()
    assert "Trạm Y tế xã Liên Minh" in text and "Nhận văn bản điện tử ngay" in text
    assert "Chưa gửi được: chưa có địa chỉ liên thông: 1" in text and "Trung tâm Y tế huyện Mê Linh" in text
    assert_accessible(ha, "recipients summary")
    snap(ha, "out-5-recipients-before-issue")
    ha_phone = browser_as("lethuha", phone=True)
    ha_phone.goto(detail)
    snap(ha_phone, "out-5-recipients-before-issue-375")
    ha.locator('[data-qlvb="fix-paper"]').click()
    settle(ha)
    text = ha.locator('[data-qlvb="recipient-summary"]').inner_text()
    assert "Chưa gửi được" not in text, text
    ha.locator('[data-qlvb="issue"]').click()
    settle(ha)
    assert "Đã phát hành" in ha.content()
    snap(ha, "out-6-issued")

    loan = browser_as("tytlienminh_buithiloan")
    loan.goto(f"{base}/van-ban-den/")
    assert "V/v triển khai tiêm chủng mở rộng" in loan.locator("main").inner_text()
    snap(loan, "out-7-arrived-at-tram-y-te")
    loan.get_by_text("V/v triển khai tiêm chủng mở rộng").first.click()
    settle(loan)
    snap(loan, "out-8-arrived-document")
    places = loan.locator("xpath=//dt[normalize-space()='Nơi nhận']/following-sibling::dd[1]").inner_text()
    assert "- Trạm Y tế xã Liên Minh\n- Trung tâm Y tế huyện Mê Linh\n" in places, places  # one a line
    link = loan.locator('[data-qlvb="file"] a', has_text=".pdf").first
    response = loan.request.get(f"{base}{link.get_attribute('href')}")  # downloaded with her session
    assert response.ok, response.status
    pdf = response.body()
    outgoing = Outgoing.objects.get()
    assert outgoing.signed_pdf is not None
    assert pdf == blob_path(outgoing.signed_pdf.blob.sha256).read_bytes()  # the issued file, unchanged
    with ThreadPoolExecutor(1) as pool:  # Playwright's loop runs in this thread; verification uses asyncio
        report = pool.submit(verify_pdf, pdf).result()
    assert [s["verdict"] for s in report["signatures"]] == ["valid", "valid"], report
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "cong-van-01.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1", "-singlefile", str(SHOTS / "cong-van-01.pdf"),
         str(SHOTS / "out-9-final-page-1")],
        check=True,
    )  # fmt: skip
    values = pages.field_values(pdf)  # the number and date fields the clerk's numbering filled
    assert values[number_fields.NUMBER_FIELD] == "Số: 01/UBND-VHXH"
    day = values[number_fields.DATE_FIELD]
    assert day.startswith(f"Liên Minh, ngày {today():%d} tháng ") and day.endswith(f"năm {today().year}"), day
    version = outgoing.approved_version
    assert version is not None and version.pdf is not None
    approved = blob_path(version.pdf.blob.sha256).read_bytes()
    template_number, template_date = TEMPLATES["odt-spaces"][0].number, TEMPLATES["odt-spaces"][0].date
    # on the rendered page the placeholders are covered by the number and the date, not written over
    pages.assert_replaced(
        approved,
        pdf,
        typed=(template_number, template_date),
        expected=("Số: 01/UBND-VHXH", day),
        folder=tmp_path,
        name="first-day",
    )


def test_first_day_incoming(first_day, live_server, browser_as, tmp_path):
    base = live_server.url
    scan = tmp_path / "cong-van-45-scan.pdf"
    scan.write_bytes(samples.decision_pdf(2))

    ha = browser_as("lethuha")
    ha.goto(f"{base}/van-ban-den/")
    ha.get_by_role("link", name="Tiếp nhận văn bản").click()
    p = ha
    p.get_by_label("Kênh tiếp nhận").select_option(label="Bản giấy (số hóa)")
    p.get_by_label("Tệp văn bản (PDF bản điện tử hoặc bản quét)").set_input_files(str(scan))
    p.get_by_label("Loại văn bản").select_option(label="Công văn")
    p.get_by_label("Số", exact=True).fill("45")
    p.get_by_label("Ký hiệu").fill("UBND-LĐTBXH")
    p.get_by_label("Ngày ban hành").fill("05/03/2026")
    p.get_by_label(re.compile(r"^Cơ quan ban hành")).fill("UBND huyện Mê Linh")
    p.get_by_label(re.compile(r"^Trích yếu")).fill("Về việc rà soát hộ nghèo, hộ cận nghèo năm 2026")
    p.get_by_label("Thời hạn giải quyết").fill(f"{yesterday():%d/%m/%Y}")
    p.get_by_role("button", name="Vào sổ").click()
    settle(p)
    assert f"Thời hạn giải quyết {yesterday():%d/%m/%Y} đã qua" in p.locator("main").inner_text()
    snap(p, "in-1-past-deadline-refused")
    p.get_by_label("Thời hạn giải quyết").fill(f"{today() + dt.timedelta(days=28):%d/%m/%Y}")
    p.get_by_role("button", name="Vào sổ").click()
    p.wait_for_url(re.compile(r"/van-ban-den/\d+/$"))
    detail = p.url
    appendix = tmp_path / "phu-luc-danh-sach.pdf"
    appendix.write_bytes(samples.decision_pdf(1))
    p.get_by_role("link", name="Thêm, thay tệp").click()
    p.get_by_label("Thêm làm").select_option(label="Phụ lục mới")
    p.get_by_label("Tệp", exact=True).set_input_files(str(appendix))
    p.get_by_role("button", name="Xác nhận").click()
    p.wait_for_url(re.compile(r"/van-ban-den/\d+/$"))
    assert "phu-luc-danh-sach.pdf" in p.locator("[data-qlvb=files]").inner_text()
    snap(p, "in-2-registered-file-added")
    p.get_by_role("link", name="Trình lãnh đạo").click()
    p.get_by_label("Trình lãnh đạo").select_option(label="Nguyễn Văn Hùng")
    p.get_by_role("button", name="Xác nhận").click()
    p.wait_for_url(re.compile(r"/van-ban-den/\d+/$"))

    hung = browser_as("nguyenvanhung")
    hung.goto(detail)
    hung.get_by_role("link", name="Cho ý kiến chỉ đạo").click()
    hung.get_by_label("Ý kiến chỉ đạo").fill("Giao Phòng VHXH chủ trì rà soát.")
    hung.get_by_label("Chủ trì", exact=True).select_option(label="Phòng Văn hóa - Xã hội")
    hung.get_by_label("Hạn xử lý của đơn vị chủ trì").fill(f"{yesterday():%d/%m/%Y}")
    hung.get_by_role("button", name="Xác nhận").click()
    settle(hung)
    assert f"({yesterday():%d/%m/%Y}) đã qua" in hung.locator("main").inner_text()
    snap(hung, "in-3-past-sub-deadline-refused")
    hung.get_by_label("Hạn xử lý của đơn vị chủ trì").fill(f"{today() + dt.timedelta(days=26):%d/%m/%Y}")
    hung.get_by_role("button", name="Xác nhận").click()
    hung.wait_for_url(re.compile(r"/van-ban-den/\d+/$"))
    assert "Phòng Văn hóa - Xã hội" in hung.locator("[data-qlvb=assignments]").inner_text()
    snap(hung, "in-4-directed")
    phone = browser_as("lethuha", phone=True)
    phone.goto(detail)
    snap(phone, "in-5-document-375")
