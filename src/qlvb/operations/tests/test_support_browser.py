"""A person sees it (issue 15, Điều 21.9): from a page, the officer follows "Hỗ trợ" in the footer, files a
ticket with a screenshot; the system administrator answers it; the officer reads the answer; the user
guide renders with its table of contents. Screenshots: var/screenshots/support-*.png."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from qlvb.conftest import no_csp_violation
from qlvb.directory.demo import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_ticket_filed_answered_and_read_and_the_guide(
    live_server: Any, browser_as: Any, shot: Any, accessible: Any, celery_eager: None, tmp_path: Any
) -> None:
    load_demo()
    png = tmp_path / "man-hinh.png"
    buffer = io.BytesIO()
    Image.new("RGB", (120, 60), (30, 90, 200)).save(buffer, format="PNG")
    png.write_bytes(buffer.getvalue())

    officer = browser_as("dothanhhuong")
    errors: list[str] = []
    officer.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    officer.goto(f"{live_server.url}/van-ban-den/")
    officer.locator('[data-qlvb="support-link"]').click()
    officer.get_by_label("Tiêu đề").fill("Không thấy nút Hoàn thành")
    officer.get_by_label("Mô tả vấn đề").fill("Văn bản số 12 được giao nhưng không thấy nút Hoàn thành.")
    officer.get_by_label("Ảnh chụp màn hình hoặc tệp").set_input_files(str(png))
    officer.get_by_role("button", name="Gửi", exact=True).click()
    officer.get_by_text("Đã gửi yêu cầu hỗ trợ.").wait_for()
    accessible(officer, "the support page")
    shot(officer, "support-home")

    admin = browser_as("admin")
    admin.goto(f"{live_server.url}/ho-tro/?trang-thai=open")
    admin.get_by_role("link", name="Không thấy nút Hoàn thành").click()
    assert "/van-ban-den/" in admin.locator("code").first.inner_text()
    admin.get_by_role("textbox", name="Trả lời").fill("Cần cập nhật tiến độ trước; nút Hoàn thành hiện sau đó.")
    admin.get_by_role("button", name="Gửi trả lời").click()
    admin.get_by_text("Đã trả lời và báo cho người gửi.").wait_for()
    accessible(admin, "a ticket answered")
    shot(admin, "support-ticket-admin")

    officer.goto(f"{live_server.url}/ho-tro/")
    officer.get_by_role("link", name="Không thấy nút Hoàn thành").click()
    assert "Cần cập nhật tiến độ trước" in officer.locator('[data-qlvb="ticket-answer"]').inner_text()
    shot(officer, "support-ticket-answered")

    officer.goto(f"{live_server.url}/ho-tro/huong-dan/chuyen-vien/")
    officer.locator('[data-qlvb="guide-toc"]').get_by_role("link", name="Soạn văn bản đi").click()
    assert officer.url.endswith("#soan-van-ban-di")
    accessible(officer, "the user guide")
    shot(officer, "support-guide")
    no_csp_violation(errors)
