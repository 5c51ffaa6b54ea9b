"""A person sees it (issue 15, Điều 22.1.d): the officer follows "Dữ liệu cá nhân" in the footer and asks;
the head of her department approves from his list; the officer downloads the ZIP from the page. Screenshots:
var/screenshots/personal-export-*.png."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from qlvb.conftest import no_csp_violation
from qlvb.directory.demo import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_asked_approved_and_downloaded_in_chromium(
    live_server: Any, browser_as: Any, shot: Any, accessible: Any, celery_eager: None, settings: Any, tmp_path: Path
) -> None:
    load_demo()
    settings.FILES_DIR = tmp_path / "files"
    settings.QLVB_PERSONAL_EXPORTS_DIR = str(tmp_path / "exports")

    officer = browser_as("dothanhhuong")
    errors: list[str] = []
    officer.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    officer.goto(f"{live_server.url}/van-ban-den/")
    officer.locator('[data-qlvb="personal-export-link"]').click()
    officer.get_by_label("Lý do (không bắt buộc)").fill("Chuyển công tác sang huyện")
    officer.locator('[data-qlvb="export-request"]').click()
    officer.get_by_text("Đã gửi yêu cầu xuất dữ liệu cá nhân").wait_for()
    accessible(officer, "the personal export page")
    shot(officer, "personal-export-asked")

    head = browser_as("hoangvannam")
    head.goto(f"{live_server.url}/du-lieu-ca-nhan/")
    head.locator('[data-qlvb="export-waiting"]').get_by_role("link", name="Đỗ Thanh Hương").click()
    accessible(head, "an export waiting for the head")
    shot(head, "personal-export-decide")
    head.locator('[data-qlvb="export-approve"]').click()
    head.get_by_text("Đã duyệt; tệp đang được tạo.").wait_for()
    assert head.locator('[data-qlvb="export-state"]').inner_text() == "Sẵn sàng tải"

    officer.goto(f"{live_server.url}/du-lieu-ca-nhan/")
    shot(officer, "personal-export-ready")
    with officer.expect_download() as info:
        officer.locator('[data-qlvb="export-download"]').first.click()
    saved = tmp_path / "export.zip"
    info.value.save_as(saved)
    with zipfile.ZipFile(saved) as zf:
        assert {"du-lieu.json", "du-lieu.xlsx", "manifest-sha256.txt"} <= set(zf.namelist())
    no_csp_violation(errors)
