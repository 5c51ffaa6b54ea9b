"""A person sees it (issue 15): the system administrator announces a read-only maintenance on the page;
an officer sees the banner on his computer and his phone, his write is refused with the reason; the
administrator ends it and says what to re-enter. Screenshots: var/screenshots/operations-*.png."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from qlvb.directory.demo import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_read_only_maintenance_seen_and_ended(
    live_server: Any, browser_as: Any, shot: Any, accessible: Any, celery_eager: None
) -> None:
    cache.clear()
    load_demo()
    admin = browser_as("admin")
    admin.goto(f"{live_server.url}/quan-tri/su-co/")
    admin.get_by_label("Loại").select_option("maintenance")
    admin.get_by_label("Tiêu đề").fill("Nâng cấp phiên bản 2.4")
    admin.get_by_label("Biện pháp tạm thời cho người dùng").fill("Văn bản hỏa tốc chuyển bản giấy qua văn thư")
    later = timezone.localtime() + dt.timedelta(hours=2)
    admin.get_by_label("Dự kiến khôi phục").fill(later.strftime("%H:%M %d/%m/%Y"))
    admin.get_by_label("Chỉ cho xem trong thời gian bảo trì").check()
    admin.get_by_role("button", name="Thông báo", exact=True).click()
    admin.locator('[data-qlvb="notices"]').get_by_text("Nâng cấp phiên bản 2.4").wait_for()
    accessible(admin, "the incident and maintenance page")
    shot(admin, "operations-notices")
    cache.clear()  # the live server shares this process's cache: no waiting for the 5 s

    officer = browser_as("lethuha")
    banner = officer.locator('[data-qlvb="system-notice"]')
    assert "Bảo trì, nâng cấp: Nâng cấp phiên bản 2.4" in banner.inner_text()
    assert "chỉ xem được" in banner.inner_text()
    accessible(officer, "home page with the maintenance banner")
    shot(officer, "operations-banner")
    phone = browser_as("lethuha", phone=True)
    assert phone.locator('[data-qlvb="system-notice"]').is_visible()
    shot(phone, "operations-banner-phone")

    officer.goto(f"{live_server.url}/van-ban-den/thong-bao/")
    officer.get_by_role("button", name="Đánh dấu đã đọc tất cả").click()
    officer.locator('[data-qlvb="read-only"]').wait_for()
    assert "CHƯA được lưu" in officer.locator('[data-qlvb="read-only"]').inner_text()
    shot(officer, "operations-read-only")

    admin.goto(f"{live_server.url}/quan-tri/su-co/")
    admin.locator("summary", has_text="Kết thúc").click()
    admin.get_by_label("Nguyên nhân").fill("Nâng cấp theo kế hoạch")
    admin.get_by_label("Người dùng cần nhập lại").fill("Văn bản đến nhận bản giấy trong giờ bảo trì")
    admin.get_by_role("button", name="Kết thúc và báo cho mọi người").click()
    admin.get_by_text("Đã kết thúc và báo cho mọi người dùng.").wait_for()
    cache.clear()
    officer.goto(f"{live_server.url}/")
    assert officer.locator('[data-qlvb="system-notice"]').count() == 0
    officer.goto(f"{live_server.url}/van-ban-den/thong-bao/")
    assert "Cần nhập lại: Văn bản đến nhận bản giấy trong giờ bảo trì" in officer.content()
