"""The system administrator reads the backups page (issue 15): a verified run and a run that gave up on a
locked table (``backup_locked``), then presses "Sao lưu ngay" and sees the new run after reloading.
Screenshot: var/screenshots/backups-page.png."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from qlvb.directory.demo import load_demo
from qlvb.operations.backup_runs import RUNS_FILE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_backups_page(
    live_server: Any, browser_as: Any, shot: Any, accessible: Any, settings: Any, tmp_path: Path, celery_eager: Any
) -> None:
    load_demo()
    settings.FILES_DIR = tmp_path / "files"
    settings.QLVB_AUDIT_ANCHOR_FILE = tmp_path / "anchor.jsonl"
    settings.QLVB_BACKUP_DIR = tmp_path / "backups"
    settings.QLVB_BACKUP_DIR.mkdir()
    lines = [
        {
            "started_at": "2026-12-02T19:15:00+00:00",
            "finished_at": "2026-12-02T19:16:40+00:00",
            "trigger": "daily",
            "by": "",
            "ok": True,
            "name": "qlvb-20261202T191500Z",
            "files": 5210,
            "bytes": 2_480_000_000,
            "verified": True,
        },
        {
            "started_at": "2026-12-03T02:15:00+00:00",
            "finished_at": "2026-12-03T02:16:00+00:00",
            "trigger": "daily",
            "by": "",
            "ok": False,
            "code": "backup_locked",
            "message": "Không sao lưu được: bảng “public.directory_unit” đang bị khóa độc quyền … đã chờ quá 60s.",
        },
    ]
    (settings.QLVB_BACKUP_DIR / RUNS_FILE).write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    admin = browser_as("admin")
    admin.goto(f"{live_server.url}/quan-tri/sao-luu/")
    table = admin.locator('[data-qlvb="backup-runs"]')
    text = table.inner_text()
    assert "qlvb-20261202T191500Z" in text and "Hợp lệ" in text and "backup_locked" in text
    accessible(admin, "the backups page")
    shot(admin, "backups-page")
    admin.get_by_role("button", name="Sao lưu ngay").click()
    admin.wait_for_load_state()
    admin.goto(f"{live_server.url}/quan-tri/sao-luu/")
    assert "Sao lưu ngay — admin" in admin.locator('[data-qlvb="backup-runs"]').inner_text()
