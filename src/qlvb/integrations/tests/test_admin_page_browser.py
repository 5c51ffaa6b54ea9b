"""The administrator registers a connected system in Chromium: the secret is shown once (never on the next
visit), a user code and a type code are mapped, the secret rotated; every page passes axe-core."""

from __future__ import annotations

from typing import Any

import pytest

from qlvb.conftest import assert_accessible
from qlvb.integrations.models import CodeMapping, ConnectedSystem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_a_system_and_see_its_secret_once(demo: Any, live_server: Any, browser_as: Any, shot: Any) -> None:
    page = browser_as("tranthilan")
    page.goto(f"{live_server.url}/quan-tri/he-thong-ket-noi/")
    assert_accessible(page, "hệ thống kết nối")
    page.get_by_label("Tên hệ thống").fill("Một cửa điện tử")
    page.get_by_label("Đơn vị chủ quản").select_option(label="Phòng Văn hóa - Xã hội")
    page.get_by_label("Gửi dự thảo văn bản đi của đơn vị").check()
    page.get_by_label("Đọc văn bản đã phát hành của đơn vị").check()
    page.get_by_role("button", name="Đăng ký và cấp khóa").click()
    secret = page.locator('[data-qlvb="client-secret"]').inner_text()
    assert len(secret) > 30
    assert_accessible(page, "khóa bí mật hiện một lần")
    shot(page, "integrations-secret-once")
    system = ConnectedSystem.objects.get(name="Một cửa điện tử")
    assert secret not in system.secret_hash

    page.get_by_role("link", name="Một cửa điện tử").click()
    assert secret not in page.content()
    assert_accessible(page, "trang hệ thống")
    page.get_by_label("Mã của hệ thống").first.fill("U01")
    page.locator("#target-user").select_option(label="Đỗ Thanh Hương (VHXH)")
    page.locator('[data-qlvb="map-user"] button').click()
    page.locator("#code-doc_type").fill("CV")
    page.locator("#target-doc_type").select_option(label="Công văn")
    page.locator('[data-qlvb="map-doc_type"] button').click()
    assert CodeMapping.objects.filter(system=system).count() == 2
    assert page.locator('[data-qlvb="codes-user"]').inner_text().count("U01") == 1
    assert_accessible(page, "bảng mã")

    page.locator('[data-qlvb="rotate"]').click()
    rotated = page.locator('[data-qlvb="client-secret"]').inner_text()
    assert rotated and rotated != secret
    shot(page, "integrations-system")
    page.locator('[data-qlvb="revoke"]').click()
    assert "Đã thu hồi" in page.locator('[data-qlvb="system-state"]').inner_text()
