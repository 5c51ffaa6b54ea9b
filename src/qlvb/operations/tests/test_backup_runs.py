"""The log of backup runs (``backup-runs.jsonl`` in the backup folder), the page ``/quan-tri/sao-luu/``
(system administrator only) with "Sao lưu ngay" queuing the Celery task, and — on PostgreSQL — a table
held by an ACCESS EXCLUSIVE lock: pg_dump gives up after ``QLVB_BACKUP_LOCK_WAIT_TIMEOUT`` with
``backup_locked`` instead of hanging, and the failed run is logged."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from qlvb.core.errors import Conflict, DomainError
from qlvb.core.models import AuditEntry
from qlvb.operations import backup_runs as runs_module
from qlvb.operations.backup import backups_list, lock_wait_timeout
from qlvb.operations.backup_runs import RUNS_FILE, backup_run, backup_runs
from qlvb.operations.errors import ErrorCode

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump and SQLite's backup read committed data


@pytest.fixture
def isolated(settings: Any, tmp_path: Path) -> Path:
    settings.FILES_DIR = tmp_path / "files"
    settings.QLVB_AUDIT_ANCHOR_FILE = tmp_path / "anchor.jsonl"
    settings.QLVB_BACKUP_DIR = tmp_path / "backups"
    settings.QLVB_BACKUP_PASSPHRASE = ""
    return tmp_path / "backups"


def _lines(dest: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (dest / RUNS_FILE).read_text(encoding="utf-8").splitlines()]


def test_a_run_is_verified_and_logged(isolated: Path, demo: None) -> None:
    run = backup_run(passphrase=None, trigger="daily")
    assert run.ok and run.verified is True and run.files >= 1 and run.bytes > 0
    assert [p.name for p in backups_list(isolated)] == [run.name]
    (line,) = _lines(isolated)
    assert line["trigger"] == "daily" and line["ok"] is True and line["verified"] is True
    assert line["name"] == run.name and line["bytes"] == run.bytes
    assert backup_runs(isolated)[0].name == run.name


def test_a_failed_run_is_logged_then_raised(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def locked(*args: Any, **kwargs: Any) -> Any:
        raise Conflict("Không sao lưu được: bảng “x” đang bị khóa độc quyền", code=ErrorCode.BACKUP_LOCKED)

    monkeypatch.setattr(runs_module, "backup_create", locked)
    with pytest.raises(Conflict):
        backup_run(passphrase=None, trigger="now", by="admin")
    (line,) = _lines(isolated)
    assert line["ok"] is False and line["code"] == "backup_locked" and "khóa độc quyền" in line["message"]
    (run,) = backup_runs(isolated)
    assert not run.ok and run.by == "admin" and run.trigger_label == "Sao lưu ngay"


def test_a_torn_line_is_skipped(isolated: Path, demo: None) -> None:
    backup_run(passphrase=None, trigger="command", verify=False)
    with (isolated / RUNS_FILE).open("a", encoding="utf-8") as handle:
        handle.write('{"started_at": "2026-12-03T')  # a run killed while writing its line
    (run,) = backup_runs(isolated)
    assert run.ok and run.verified is None


def test_the_command_logs_its_run(isolated: Path, demo: None) -> None:
    call_command("backup", "create", "--verify", stdout=open("/dev/null", "w"))  # noqa: SIM115
    (line,) = _lines(isolated)
    assert line["trigger"] == "command" and line["verified"] is True


def test_the_page_is_the_system_administrators(isolated: Path, page_as: Any, celery_eager: Any) -> None:
    for who in ("tranthilan", "nguyenvanhung"):  # an agency's administrator, a leader
        assert page_as(who).get("/quan-tri/sao-luu/").status_code == 404
        assert page_as(who).post("/quan-tri/sao-luu/sao-luu-ngay/").status_code == 404
    admin = page_as("admin")
    empty = admin.get("/quan-tri/sao-luu/")
    assert empty.status_code == 200 and "Chưa có lần sao lưu nào." in empty.content.decode()
    queued = admin.post("/quan-tri/sao-luu/sao-luu-ngay/")  # the task runs at the commit (eager Celery)
    assert queued.status_code == 302
    assert AuditEntry.objects.filter(action="operations.backup_requested", actor_username="admin").count() == 1
    (line,) = _lines(isolated)
    assert line["trigger"] == "now" and line["by"] == "admin" and line["verified"] is True
    html = admin.get("/quan-tri/sao-luu/").content.decode()
    assert line["name"] in html and "Hợp lệ" in html and "Sao lưu ngay — admin" in html


def test_a_bad_lock_wait_setting_is_refused(settings: Any) -> None:
    settings.QLVB_BACKUP_LOCK_WAIT_TIMEOUT = "một phút"
    with pytest.raises(DomainError, match="QLVB_BACKUP_LOCK_WAIT_TIMEOUT không hợp lệ"):
        lock_wait_timeout()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_pg_dump_gives_up_on_a_table_held_by_an_exclusive_lock(isolated: Path, settings: Any, demo: None) -> None:
    settings.QLVB_BACKUP_LOCK_WAIT_TIMEOUT = "1s"
    other = connection.get_new_connection(connection.get_connection_params())  # e.g. a migration running
    try:
        other.execute("LOCK TABLE directory_unit IN ACCESS EXCLUSIVE MODE")  # psycopg: inside a transaction
        started = time.monotonic()
        with pytest.raises(Conflict) as refused:
            backup_run(passphrase=None, trigger="daily")
        assert time.monotonic() - started < 30  # it gave up; it did not wait for the lock to end
    finally:
        other.rollback()
        other.close()
    assert refused.value.code == ErrorCode.BACKUP_LOCKED
    assert "directory_unit" in refused.value.message and "QLVB_BACKUP_LOCK_WAIT_TIMEOUT" in refused.value.message
    assert backups_list(isolated) == []  # nothing listed as a backup
    assert not any(p.name.startswith(".partial-") for p in isolated.iterdir())
    (line,) = _lines(isolated)
    assert line["ok"] is False and line["code"] == "backup_locked"
    with pytest.raises(CommandError, match="đang bị khóa độc quyền"):
        other = connection.get_new_connection(connection.get_connection_params())
        try:
            other.execute("LOCK TABLE directory_unit IN ACCESS EXCLUSIVE MODE")
            call_command("backup", "create")
        finally:
            other.rollback()
            other.close()
