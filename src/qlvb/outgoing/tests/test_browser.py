"""A person can see it (issue 5): in Chromium, Đỗ Thanh Hương drafts a công văn to Trạm Y tế xã Liên Minh,
Hoàng Văn Nam returns it once then approves it (on a phone), Lê Thu Hà checks the format, Nguyễn Văn
Hùng signs (on a phone), Lê Thu Hà numbers it 01/UBND-VHXH, applies the agency signature and issues it;
Bùi Thị Loan finds it in her incoming inbox and registers it; the sender sees status 03 (sent back after
the recipient's commit by the exchange's event consumer; Celery eager in this test). The final PDF's
two signatures verify as valid and its first page is rendered to var/screenshots/.

Issue 8: after creating the draft Hương edits it and adds a recipient typed as text, "Trung tâm Y tế
huyện Mê Linh" (with the usual "Như trên" and "Lưu" lines); Hà ticks each format item herself; before
issuing she sees that Mê Linh cannot be reached (desktop and 375 px), adds it to the directory as an
outside agency from the summary's link, chooses it, and it is issued as "chờ gửi liên thông".

Issue 16: on the phones, Nam and Hùng act from the sticky action bar at the bottom of the screen, by
touch; the taps are counted: from the opened document to "approved" one tap, to "signed" two (and the PIN).
"Trả lại" with no reason sends nothing and puts the cursor in the reason box. The bar passes axe."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest
from playwright.sync_api import expect

from qlvb.conftest import SCREENSHOTS, assert_accessible
from qlvb.outgoing.models import Outgoing
from qlvb.outgoing.tests.browsing import draft_form_submit
from qlvb.outgoing.tests.conftest import PIN
from qlvb.signing.verify import verify_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Taps:
    """Every tap of a person on the phone, counted."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, locator: Any) -> None:
        self.count += 1
        locator.tap()


def test_the_issue_path_in_chromium(demo, live_server, browser_as, shot, profiles, tyt, cong_van_docx, tmp_path, eager):
    base = live_server.url
    draft_file = tmp_path / "du-thao-cong-van.docx"
    draft_file.write_bytes(cong_van_docx)

    huong = browser_as("ublienminh_dothanhhuong")
    draft_form_submit(huong, base, draft_file)
    assert "V/v triển khai tiêm chủng mở rộng" in huong.content()
    detail = huong.url
    # issue 8: the draft's information can be changed after creation — add an outside recipient as text
    huong.locator('[data-qlvb="edit"]').click()
    huong.get_by_label("Nơi nhận khác (mỗi dòng một nơi)").fill(
        "- Trung tâm Y tế huyện Mê Linh;\n- Như trên;\n- Lưu: VT, VHXH."
    )
    huong.get_by_label("Số lượng bản").fill("6")
    shot(huong, "outgoing-0-edit")
    huong.locator('[data-qlvb="save"]').click()
    huong.wait_for_load_state("networkidle")
    assert "Trung tâm Y tế huyện Mê Linh" in huong.locator('[data-qlvb="metadata"]').inner_text()
    huong.locator('[data-qlvb="submit"]').click()
    shot(huong, "outgoing-1-drafted")

    nam = browser_as("ublienminh_hoangvannam", phone=True, touch=True)
    nam.goto(detail)
    bar = nam.locator('[data-qlvb="action-bar"]')
    expect(bar).to_be_visible()
    assert bar.bounding_box()["y"] + bar.bounding_box()["height"] <= 740 - 56  # above the bottom navigation
    shot(nam, "outgoing-1b-action-bar-phone")
    # At the end of the page the sticky bar sits in its own place, over nothing: axe then judges every
    # target whole (higher up, whatever the bar happens to cover at that scroll is "partly obscured").
    nam.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    assert_accessible(nam, "the draft on a phone, with its action bar")
    bar.locator('[data-qlvb="bar-return"]').tap()  # no reason yet: nothing sent, the reason box asks
    assert nam.url == detail and nam.evaluate("document.activeElement.id") == "id_comment"
    assert "Đang trình duyệt" in nam.locator('[data-qlvb="state"]').inner_text()
    nam.get_by_label("Ý kiến / lý do").fill("Bổ sung thời gian triển khai")
    with nam.expect_navigation():
        bar.locator('[data-qlvb="bar-return"]').tap()
    expect(nam.locator('[data-qlvb="state"]')).to_contain_text("Bị trả lại")

    huong.goto(detail)
    assert "Bổ sung thời gian triển khai" in huong.content()
    huong.locator('[data-qlvb="upload"] input[type=file]').set_input_files(str(draft_file))
    huong.locator('[data-qlvb="upload-ok"]').click()
    huong.wait_for_load_state("networkidle")
    huong.locator('[data-qlvb="submit"]').click()

    nam.goto(detail)  # opened from the list or a push: from here, one tap approves
    tap = Taps()
    with nam.expect_navigation():
        tap(nam.locator('[data-qlvb="action-bar"] [data-qlvb="bar-approve"]'))
    expect(nam.locator('[data-qlvb="state"]')).to_contain_text("Chờ văn thư kiểm tra thể thức")
    assert tap.count <= 2, tap.count
    shot(nam, "outgoing-2-approved-phone")

    ha = browser_as("ublienminh_lethuha")
    ha.goto(detail)
    boxes = ha.locator('[data-qlvb="format-check"] input[type=checkbox]')
    assert boxes.count() == 11
    for i in range(boxes.count()):  # the checklist starts unticked: the clerk ticks each item herself
        assert not boxes.nth(i).is_checked()
        boxes.nth(i).check()
    ha.locator('[data-qlvb="format-ok"]').click()
    assert "Chờ ký ban hành" in ha.content()

    hung = browser_as("ublienminh_nguyenvanhung", phone=True, touch=True)
    hung.goto(detail)
    tap = Taps()
    tap(hung.locator('[data-qlvb="action-bar"] [data-qlvb="bar-sign"]'))  # to the PIN, the keyboard up
    assert hung.evaluate("document.activeElement.id") == "id_pin"
    hung.keyboard.type(PIN)
    with hung.expect_navigation():
        tap(hung.locator('[data-qlvb="sign-ok"]'))
    expect(hung.locator('[data-qlvb="state"]')).to_contain_text("Đã ký, chờ cấp số")
    assert tap.count <= 2, tap.count
    shot(hung, "outgoing-3-signed-phone")

    ha.goto(detail)
    ha.locator('[data-qlvb="number"]').click()
    assert ha.locator('[data-qlvb="number-notation"]').inner_text() == "01/UBND-VHXH"
    ha.get_by_label("Mã PIN khóa ký số của cơ quan").fill(PIN)
    ha.locator('[data-qlvb="sign-agency-ok"]').click()
    ha.wait_for_load_state("networkidle")
    # issue 8: before issuing, who gets it how — Mê Linh cannot be reached yet
    summary = ha.locator('[data-qlvb="recipient-summary"]')
    assert "Nhận văn bản điện tử ngay" in summary.inner_text()
    assert "Chưa gửi được: chưa có địa chỉ liên thông: 1" in summary.inner_text()
    shot(ha, "outgoing-5-before-issue")
    ha_phone = browser_as("ublienminh_lethuha", phone=True)
    ha_phone.goto(detail)
    ha_phone.locator('[data-qlvb="recipient-summary"]').scroll_into_view_if_needed()
    shot(ha_phone, "outgoing-5-before-issue-phone")
    ha.get_by_role("link", name="Thêm vào danh bạ").click()
    ha.wait_for_load_state("networkidle")
    assert ha.get_by_label("Tên cơ quan").input_value() == "Trung tâm Y tế huyện Mê Linh"
    ha.get_by_label("Mã định danh điện tử").fill("000.00.31.H26")
    ha.get_by_label("Địa chỉ (gửi bản giấy)").fill("Thị trấn Quang Minh, huyện Mê Linh")
    shot(ha, "outgoing-6-outside-agency")
    ha.locator('[data-qlvb="outside-agency-save"]').click()
    ha.wait_for_load_state("networkidle")
    assert ha.url == detail
    ha.locator('[data-qlvb="fix-match"]').click()  # the directory's agency of the same name is preselected
    ha.wait_for_load_state("networkidle")
    summary = ha.locator('[data-qlvb="recipient-summary"]').inner_text()
    assert "Chờ gửi liên thông" in summary and "Chưa gửi được" not in summary
    ha.locator('[data-qlvb="issue"]').click()
    assert "Đã phát hành" in ha.content()
    statuses = ha.locator('[data-qlvb="deliveries"]').inner_text()
    assert "Trung tâm Y tế huyện Mê Linh" in statuses and "00 — Chờ gửi liên thông" in statuses
    assert "1 nơi nhận điện tử, 1 nơi chờ gửi liên thông" in ha.locator('[data-qlvb="timeline"]').inner_text()
    shot(ha, "outgoing-7-issued")

    loan = browser_as("tytlienminh_buithiloan")
    loan.goto(f"{base}/van-ban-den/")
    loan.get_by_text("V/v triển khai tiêm chủng mở rộng").first.click()
    loan.wait_for_load_state("networkidle")
    loan.get_by_role("link", name="Vào sổ").click()
    loan.locator('[data-qlvb="confirm"]').click()
    loan.wait_for_load_state("networkidle")

    huong.goto(detail)
    row = huong.locator('[data-qlvb="deliveries"] tr', has_text="Trạm Y tế xã Liên Minh")
    status = row.locator('[data-qlvb="delivery-status"]').inner_text()
    assert status.startswith("03"), status
    shot(huong, "outgoing-4-tracking")

    outgoing = Outgoing.objects.get()
    from qlvb.files.storage import open_verified

    assert outgoing.signed_pdf is not None
    blob = outgoing.signed_pdf.blob
    with open_verified(blob.sha256, size=blob.size, name="x.pdf") as handle:
        pdf = handle.read()
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:  # Playwright's loop runs in this thread; verification uses asyncio
        report = pool.submit(verify_pdf, pdf).result()
    assert [s["verdict"] for s in report["signatures"]] == ["valid", "valid"], report
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "outgoing-final.pdf").write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "70",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            str(SCREENSHOTS / "outgoing-final.pdf"),
            str(SCREENSHOTS / "outgoing-final-page"),
        ],
        check=True,
    )
