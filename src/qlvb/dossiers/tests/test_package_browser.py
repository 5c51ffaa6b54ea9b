"""In Chromium: Đỗ Thanh Hương files two handled documents at once from "Chưa lập hồ sơ", adds a photo as
"tài liệu khác", closes the dossier and exports its package; the archivist of another agency imports the
downloaded package on his page; the clerk checks an XLSX list (dry run report). Each page is checked with
axe-core; screenshots under var/screenshots/dossiers/."""

from __future__ import annotations

from pathlib import Path

import pytest

from qlvb.conftest import assert_accessible
from qlvb.directory.services import role_grant
from qlvb.dossiers import services
from qlvb.dossiers.models import Dossier
from qlvb.files.tests import samples

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[4] / "var" / "screenshots" / "dossiers"


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_bulk_filing_export_and_import_in_the_browser(
    celery_eager, browser_as, live_server, handled, free_dossier, person, tyt, tmp_path
):
    docs = [handled(code_number=str(n), subject=f"Về việc tiêm chủng đợt {n}") for n in (31, 32)]
    dossier = free_dossier(title="Hồ sơ tiêm chủng mở rộng năm 2026")
    base = live_server.url
    page = browser_as("dothanhhuong")
    page.goto(f"{base}/ho-so/chua-lap-ho-so/")
    for doc in docs:
        page.locator(f'input[name="document"][value="{doc.pk}"]').check()
    page.get_by_label("Hồ sơ", exact=True).select_option(str(dossier.pk))
    assert_accessible(page, "chưa lập hồ sơ, chọn nhiều văn bản")
    _shot(page, "unfiled-bulk")
    page.locator('[data-qlvb="bulk-file-ok"]').click()
    page.wait_for_load_state("networkidle")
    assert "Đã đưa 2 văn bản vào hồ sơ" in page.locator("main").inner_text()

    photo = tmp_path / "anh-hop.png"
    photo.write_bytes(samples.image_bytes("PNG"))
    form = page.locator('[data-qlvb="other-file"]')
    form.get_by_label("Tên tài liệu").fill("Ảnh buổi họp triển khai")
    form.get_by_label("Tệp").set_input_files(str(photo))
    form.get_by_role("button", name="Thêm vào hồ sơ").click()
    page.wait_for_load_state("networkidle")
    assert "Ảnh buổi họp triển khai" in page.locator('[data-qlvb="items"]').inner_text()
    page.locator('[data-qlvb="dossier-close-ok"]').click()
    page.wait_for_load_state("networkidle")
    page.locator('[data-qlvb="package-create"]').click()
    page.wait_for_load_state("networkidle")
    assert_accessible(page, "hồ sơ đã đóng, gói hồ sơ đã tạo")
    _shot(page, "detail-package")
    with page.expect_download() as download:
        page.locator('[data-qlvb="package-download"]').first.click()
    package = tmp_path / "goi.zip"
    download.value.save_as(str(package))

    keeper = person("tytlienminh_buithiloan")
    role_grant(actor=None, user=keeper, role="archivist", unit=tyt)
    other = browser_as("tytlienminh_buithiloan")
    other.goto(f"{base}/ho-so/nhap-goi/")
    other.get_by_label("Tệp gói hồ sơ (.zip)").set_input_files(str(package))
    other.get_by_role("button", name="Kiểm tra và nhập").click()
    other.wait_for_load_state("networkidle")
    report = other.locator('[data-qlvb="package-import-report"]').inner_text()
    assert dossier.file_code in report and "2 văn bản, 1 tệp" in report
    assert_accessible(other, "nhập gói hồ sơ, kết quả")
    _shot(other, "package-import")
    assert Dossier.objects.filter(agency=tyt, notation=dossier.notation).exists()


def test_the_clerk_checks_an_xlsx_list(browser_as, live_server, person, ubnd, tmp_path):
    from .test_package_pages import workbook

    clerk = person("lethuha")
    plan = services.plan_create(actor=clerk, agency=ubnd, year=2026)
    rows = [
        ("I", "Tổ chức, cán bộ", None, None, None, None, "TCCB"),
        ("01.TCCB", "Hồ sơ xây dựng quy chế làm việc", "20 năm", None, None, "Mục 3", None),
        ("02.TCCB", '=HYPERLINK("http://x")', "10", None, None, None, None),
        ("03.TCCB", "Hồ sơ tuyển dụng công chức", "99", None, None, None, None),
    ]
    sheet = tmp_path / "danh-muc.xlsx"
    sheet.write_bytes(workbook(rows))
    page = browser_as("lethuha")
    page.goto(f"{live_server.url}/ho-so/danh-muc/{plan.pk}/nhap-xlsx/")
    page.get_by_label("Tệp XLSX").set_input_files(str(sheet))
    page.get_by_role("button", name="Kiểm tra").click()
    page.wait_for_load_state("networkidle")
    report = page.locator('[data-qlvb="plan-import-report"]').inner_text()
    assert "công thức" in report and "70 năm" in report
    assert_accessible(page, "nhập danh mục hồ sơ, báo cáo kiểm tra")
    _shot(page, "plan-import-report")
