"""In Chromium: the Chủ tịch's home page shows the dashboard with the late count; the overdue count
grows when a task passes its deadline; clicking the late count lands on the list of those documents.
The home page at desktop width and at 375 px (no sideways scrolling), the statistics page and the
six-monthly report are checked with axe-core (WCAG 2.1 A/AA); screenshots and the report's PDF under
var/screenshots/reports/."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.cache import cache

from qlvb.conftest import assert_accessible
from qlvb.documents.types_data import document_types_ensure

from .conftest import age

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[4] / "var" / "screenshots" / "reports"


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def work(demo, handle, finish, task):
    document_types_ensure()  # an earlier transactional test may have flushed the migration's rows
    late = handle("Báo cáo kết quả rà soát hộ nghèo, hộ cận nghèo năm 2026")
    finish(late)
    age(late.lead, late.mine, days=3)
    overdue = handle("Kế hoạch tổ chức Ngày hội Đại đoàn kết toàn dân tộc", unit="KT", officer="ngothuytrang")
    age(overdue.lead, overdue.mine, days=6)
    finish(handle("Triển khai tiêm chủng mở rộng đợt 2"))
    handle("Tổng kết phong trào Toàn dân đoàn kết xây dựng đời sống văn hóa", days=12)
    return task(days=4, directive="Báo cáo tình hình an ninh trật tự tháng 12")


def test_the_leader_sees_the_late_count_and_opens_its_list(work, browser_as, live_server):
    base = live_server.url
    page = browser_as("nguyenvanhung")
    page.goto(f"{base}/")
    late = page.locator('[data-qlvb="late-count"]')
    late.wait_for()
    page.wait_for_load_state("networkidle")
    assert late.inner_text() == "1"
    assert page.locator('[data-qlvb="tile-overdue-now"] .qlvb-tile-n').inner_text() == "1"
    assert page.locator('[data-qlvb="waiting-to_direct"]').count() == 1
    assert page.locator('svg[role="img"] title').count() == 4
    assert_accessible(page, "trang chủ của lãnh đạo với bảng điều hành")
    _shot(page, "home-leader")

    # the task passes its deadline: days go by (no save: the figures' cache key carries the date, so a
    # new day is a new key — cleared here in place of the calendar)
    age(work, days=1)
    cache.clear()
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.locator('[data-qlvb="tile-overdue-now"] .qlvb-tile-n').inner_text() == "2"

    page.locator('[data-qlvb="tile-late"]').click()
    page.wait_for_load_state("networkidle")
    assert "/thong-ke/danh-sach/" in page.url
    assert page.locator('[data-qlvb="list-title"]').inner_text() == "Hoàn thành trễ hạn"
    rows = page.locator('[data-qlvb="work-list"] tbody tr')
    assert rows.count() == 1 and "rà soát hộ nghèo" in rows.first.inner_text()
    assert_accessible(page, "danh sách việc trễ hạn")
    _shot(page, "late-list")

    page.goto(f"{base}/thong-ke/")
    page.wait_for_load_state("networkidle")
    assert page.locator('[data-qlvb="stat-by-unit"]').count() == 1
    assert_accessible(page, "thống kê")
    _shot(page, "statistics")

    page.goto(f"{base}/thong-ke/bao-cao-06-thang/")
    assert page.locator('[data-qlvb="usage-in_total"] td').inner_text() == "4"
    assert_accessible(page, "báo cáo 06 tháng")
    _shot(page, "usage")
    with page.expect_download() as download:
        page.locator('[data-qlvb="usage-xlsx"]').click()
    assert download.value.suggested_filename.endswith(".xlsx")
    pdf = page.request.get(f"{base}/thong-ke/bao-cao-06-thang.pdf")
    assert pdf.ok and pdf.body()[:5] == b"%PDF-"
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "bao-cao-06-thang.pdf").write_bytes(pdf.body())


def test_the_dashboard_fits_a_phone(work, browser_as, live_server):
    page = browser_as("nguyenvanhung", phone=True)
    page.goto(f"{live_server.url}/")
    page.locator('[data-qlvb="late-count"]').wait_for()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "scrolls sideways"
    assert_accessible(page, "trang chủ của lãnh đạo, 375 px")
    _shot(page, "home-leader-375")
