"""Issue 16: on a phone (375×812, touch, isMobile) the clerk photographs two pages into "Tiếp nhận văn bản
đến" (the camera input, given two photos as the phone's camera would) and registers the document: its one
file is the two-page scanned PDF."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from qlvb.conftest import assert_accessible, browser_sign_in, no_csp_violation
from qlvb.directory.demo import load_demo
from qlvb.documents.models import Document
from qlvb.documents.types_data import document_types_ensure
from qlvb.files.tests.photos import photo_jpeg

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_clerk_photographs_two_pages_on_the_phone(
    live_server: Any, browser: Any, shot: Any, tmp_path: Path, settings: Any
) -> None:
    load_demo()
    document_types_ensure()
    settings.FILES_DIR = tmp_path / "files"
    pages = []
    for number, (width, height, orientation) in enumerate([(800, 600, 6), (600, 800, 1)], start=1):
        path = tmp_path / f"IMG_000{number}.jpg"
        path.write_bytes(photo_jpeg(width, height, orientation=orientation, mark=f"Trang {number}"))
        pages.append(str(path))

    context = browser.new_context(
        viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True, locale="vi-VN", device_scale_factor=2
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    browser_sign_in(page, live_server.url, "lethuha")
    page.goto(f"{live_server.url}/van-ban-den/tiep-nhan/")
    page.get_by_label("Kênh tiếp nhận").select_option(label="Bản giấy (số hóa)")
    camera = page.get_by_label("Hoặc chụp các trang bằng điện thoại")
    assert camera.get_attribute("capture") == "environment" and camera.get_attribute("accept") == "image/*"
    camera.set_input_files(pages)
    page.get_by_label("Loại văn bản").select_option(label="Công văn")
    page.get_by_label("Số", exact=True).fill("46")
    page.get_by_label("Ký hiệu").fill("UBND-VP")
    page.get_by_label("Ngày ban hành").fill("05/03/2026")
    page.get_by_label(re.compile(r"^Cơ quan ban hành")).fill("UBND huyện Mê Linh")
    page.get_by_label(re.compile(r"^Trích yếu")).fill("Về việc kiểm tra công tác văn thư")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page, "the receive form with the camera field, on a phone")
    shot(page, "phone-camera-receive")
    page.get_by_role("button", name="Vào sổ").click()
    page.wait_for_url(re.compile(r"/van-ban-den/\d+/$"))
    document = Document.objects.get(code_number="46")
    stored = document.attachments.get().stored_file
    assert stored.name == "anh-chup-2-trang.pdf" and stored.channel == "scan"
    assert document.page_amount == 2
    assert "anh-chup-2-trang.pdf" in page.locator("main").inner_text()
    shot(page, "phone-camera-registered")
    no_csp_violation(errors)
    context.close()
