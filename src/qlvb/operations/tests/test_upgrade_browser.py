"""A person sees it (issue 15): after an upgrade an officer sees "Có gì mới trong phiên bản X", opens the
changelog, dismisses the notice and does not see it again; the administrator reads the upgrade log.
Screenshots: var/screenshots/upgrade-*.png."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from qlvb.directory.demo import load_demo
from qlvb.operations.upgrade import code_version
from qlvb.operations.upgrade_models import UpgradeResult, UpgradeRun
from qlvb.operations.whats_new import upgraded_version_changed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_whats_new_seen_once_and_the_upgrade_log(live_server: Any, browser_as: Any, shot: Any, accessible: Any) -> None:
    load_demo()
    version = code_version()
    now = timezone.now()
    UpgradeRun.objects.create(
        from_version="0.0.9",
        to_version=version,
        started_at=now,
        finished_at=now,
        backup="qlvb-20261202T020000Z",
        migrations="signing.0004_plugin_signing_purpose",
        result=UpgradeResult.DONE,
    )
    upgraded_version_changed()
    officer = browser_as("lethuha")
    notice = officer.locator('[data-qlvb="whats-new"]')
    assert f"Có gì mới trong phiên bản {version}" in notice.inner_text()
    accessible(officer, "home page with the what's new notice")
    shot(officer, "upgrade-whats-new")
    notice.get_by_role("link", name="xem những thay đổi").click()
    officer.get_by_role("heading", name=f"Phiên bản {version}").wait_for()
    officer.locator('[data-qlvb="whats-new"]').get_by_role("button", name="Đã xem, ẩn thông báo").click()
    officer.wait_for_load_state()
    assert officer.locator('[data-qlvb="whats-new"]').count() == 0
    officer.goto(f"{live_server.url}/")
    assert officer.locator('[data-qlvb="whats-new"]').count() == 0

    admin = browser_as("admin")
    admin.goto(f"{live_server.url}/quan-tri/nang-cap/")
    log = admin.locator('[data-qlvb="upgrades"]')
    assert "qlvb-20261202T020000Z" in log.inner_text() and "Thành công" in log.inner_text()
    accessible(admin, "the upgrades page")
    shot(admin, "upgrade-log")
