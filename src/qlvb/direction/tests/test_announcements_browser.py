"""In Chromium: the office posts a "phải đọc" announcement to the Phòng Văn hóa - Xã hội with the form; Đỗ
Thanh Hương sees it on her home page (phone width), opens it and confirms reading; it leaves her home page;
the office sees who has read it and who has not yet. Each page is checked with axe-core; screenshots under
var/screenshots/calendar/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from qlvb.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[4] / "var" / "screenshots" / "calendar"


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_must_read_announcement_with_receipts(browser_as, live_server, demo):
    base = live_server.url
    clerk = browser_as("lethuha")
    clerk.get_by_role("link", name="Thông báo nội bộ").click()
    clerk.wait_for_load_state("networkidle")
    clerk.locator('[data-qlvb="announcement-new"]').click()
    clerk.wait_for_load_state("networkidle")
    form = clerk.locator('[data-qlvb="announcement-form"]')
    form.get_by_label("Tiêu đề").fill("Kế hoạch trực Tết Nguyên đán 2027 của phòng")
    form.get_by_label("Nội dung").fill("Đề nghị các đồng chí đăng ký lịch trực trước ngày 20/01/2027.")
    form.get_by_label("Gửi đến").select_option(label="Đơn vị được chọn")
    form.get_by_label("Đơn vị nhận").select_option(label="Phòng Văn hóa - Xã hội")
    form.get_by_label("Phải đọc (theo dõi ai đã đọc)").check()
    assert_accessible(clerk, "đăng thông báo")
    _shot(clerk, "announcement-form")
    form.locator('[data-qlvb="announcement-save"]').click()
    clerk.wait_for_load_state("networkidle")
    assert "Đã đăng thông báo" in clerk.locator("main").inner_text()
    assert "Đỗ Thanh Hương" in clerk.locator('[data-qlvb="receipts"] [data-qlvb="unread"]').inner_text()
    detail_url = clerk.url

    officer = browser_as("dothanhhuong", phone=True)
    box = officer.locator('[data-qlvb="unread-announcements"]')
    assert "Kế hoạch trực Tết Nguyên đán 2027 của phòng" in box.inner_text() and "Phải đọc" in box.inner_text()
    assert_accessible(officer, "trang chủ có thông báo chưa đọc")
    _shot(officer, "home-unread-phone")
    box.get_by_role("link", name="Kế hoạch trực Tết Nguyên đán 2027 của phòng").click()
    officer.wait_for_load_state("networkidle")
    officer.locator('[data-qlvb="read-confirm"]').click()
    officer.wait_for_load_state("networkidle")
    assert "Bạn đã xác nhận đọc" in officer.locator('[data-qlvb="read-confirmed"]').inner_text()
    assert_accessible(officer, "thông báo đã xác nhận đọc")
    officer.goto(f"{base}/")
    assert officer.locator('[data-qlvb="unread-announcements"]').count() == 0

    # The receipts are read inside their own box: the top bar's notification badge is also "unread".
    read = clerk.locator('[data-qlvb="receipts"] [data-qlvb="read"]')
    unread = clerk.locator('[data-qlvb="receipts"] [data-qlvb="unread"]')
    clerk.goto(detail_url)
    clerk.wait_for_load_state("networkidle")
    assert read.count() == 1, f"{clerk.url}: {clerk.locator('body').inner_text()[:500]}"
    expect(read).to_contain_text("Đỗ Thanh Hương")
    assert "Đỗ Thanh Hương" not in unread.inner_text()
    assert "Hoàng Văn Nam" in unread.inner_text()
    assert_accessible(clerk, "ai đã đọc, ai chưa đọc")
    _shot(clerk, "announcement-receipts")
