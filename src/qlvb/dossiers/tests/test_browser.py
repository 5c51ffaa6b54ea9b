"""In Chromium: Đỗ Thanh Hương sees the document she handled in "Chưa lập hồ sơ", opens a dossier, files the
document from its page with "Thêm vào hồ sơ", closes the dossier; the clerk drafts the dossier list. Each
page is checked with axe-core (WCAG 2.1 A/AA); screenshots under var/screenshots/dossiers/."""

from __future__ import annotations

from pathlib import Path

import pytest

from qlvb.conftest import assert_accessible
from qlvb.dossiers.models import DossierState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[4] / "var" / "screenshots" / "dossiers"


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_an_officer_files_a_handled_document_and_closes_the_dossier(celery_eager, browser_as, live_server, handled):
    doc = handled(subject="Về việc kiểm tra an toàn thực phẩm", page_amount=2)
    page = browser_as("dothanhhuong")
    base = live_server.url
    page.goto(f"{base}/ho-so/")
    box = page.locator('[data-qlvb="unfiled"]')
    assert "Về việc kiểm tra an toàn thực phẩm" in box.inner_text()
    assert_accessible(page, "danh sách hồ sơ")
    _shot(page, "list")
    form = page.locator('[data-qlvb="dossier-open"]')
    form.get_by_label("Tiêu đề hồ sơ").fill("Hồ sơ an toàn thực phẩm năm 2026")
    form.get_by_label("Số và ký hiệu hồ sơ").fill("07.VX")
    form.get_by_label("Thời hạn bảo quản (năm)").fill("10")
    form.get_by_role("button", name="Mở hồ sơ").click()
    page.wait_for_load_state("networkidle")
    assert "Hồ sơ an toàn thực phẩm năm 2026" in page.locator("h1").inner_text()
    assert_accessible(page, "hồ sơ đang lập, chưa có văn bản")

    page.goto(f"{base}/van-ban-den/{doc.pk}/")
    adder = page.locator('[data-qlvb="dossier-add"]')
    adder.get_by_label("Hồ sơ đang lập").select_option(label="07.VX — Hồ sơ an toàn thực phẩm năm 2026 (2026)")
    adder.get_by_role("button", name="Thêm vào hồ sơ").click()
    page.wait_for_load_state("networkidle")
    assert "Đã đưa văn bản vào hồ sơ" in page.locator("main").inner_text()
    assert_accessible(page, "văn bản đến với ô Thêm vào hồ sơ")

    page.goto(f"{base}/ho-so/")
    page.locator('[data-qlvb="dossiers"]').get_by_role("link", name="Hồ sơ an toàn thực phẩm năm 2026").click()
    page.wait_for_load_state("networkidle")
    assert page.locator('[data-qlvb="doc-total"]').inner_text() == "1"
    assert page.locator('[data-qlvb="page-total"]').inner_text() == "2"
    assert_accessible(page, "hồ sơ có văn bản, nút đóng hồ sơ")
    _shot(page, "detail-open")
    page.locator('[data-qlvb="dossier-close-ok"]').click()
    page.wait_for_load_state("networkidle")
    assert page.locator('[data-qlvb="dossier-state"]').inner_text() == "Đã đóng"
    assert page.locator('[data-qlvb="dossier-close"]').count() == 0
    assert_accessible(page, "hồ sơ đã đóng")
    _shot(page, "detail-closed")
    from qlvb.dossiers.models import Dossier

    assert Dossier.objects.get(notation="07.VX").state == DossierState.CLOSED

    clerk = browser_as("lethuha")
    clerk.goto(f"{base}/ho-so/danh-muc/")
    clerk.get_by_label("Năm", exact=True).fill("2026")
    clerk.get_by_role("button", name="Lập danh mục").click()
    clerk.wait_for_load_state("networkidle")
    clerk.locator('[data-qlvb="heading-add"]').get_by_label("Tên đề mục").fill("Văn hóa - Xã hội")
    clerk.locator('[data-qlvb="heading-add"]').get_by_label("Chữ viết tắt (ví dụ TCCB)").fill("VX")
    clerk.locator('[data-qlvb="heading-add"]').get_by_role("button", name="Thêm đề mục").click()
    clerk.wait_for_load_state("networkidle")
    row = clerk.locator('[data-qlvb="row-add"]')
    row.get_by_label("Tiêu đề hồ sơ").fill("Hồ sơ tiêm chủng mở rộng")
    row.get_by_role("button", name="Thêm hồ sơ").click()
    clerk.wait_for_load_state("networkidle")
    assert "01.VX" in clerk.locator('[data-qlvb="plan-rows"]').inner_text()
    assert_accessible(clerk, "danh mục hồ sơ (dự thảo)")
    _shot(clerk, "plan")
