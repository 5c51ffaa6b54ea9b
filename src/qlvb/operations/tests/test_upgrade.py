"""Issue 15, Điều 21.6–21.7 of the seed: ``qlvb upgrade`` takes a backup first, keeps the site read-only
for the duration, applies the pending migrations (one is rolled back here so there is something to apply:
signing.0004 adds a column to ``signing_pluginsigning``), runs collectstatic, records the run, and lifts
read-only at the end — also when a step fails (collectstatic into a STATIC_ROOT that is a file). On
PostgreSQL a migration waiting for a lock held by another connection stops after QLVB_UPGRADE_LOCK_TIMEOUT."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from qlvb.core.audit import AuditEntry
from qlvb.directory.models import User
from qlvb.operations.backup import backups_list
from qlvb.operations.notice_models import SystemNotice
from qlvb.operations.notices import notice_read_only
from qlvb.operations.upgrade import code_version, pending_migrations
from qlvb.operations.upgrade_models import UpgradeResult, UpgradeRun

pytestmark = pytest.mark.django_db(transaction=True)

ROLLED_BACK = "signing.0004_plugin_signing_purpose"
TABLE = "signing_pluginsigning"


@pytest.fixture
def isolated(settings: Any, tmp_path: Path) -> Iterator[Path]:
    settings.FILES_DIR = tmp_path / "files"
    settings.QLVB_AUDIT_ANCHOR_FILE = tmp_path / "anchor.jsonl"
    settings.QLVB_BACKUP_DIR = tmp_path / "backups"
    settings.STATIC_ROOT = tmp_path / "static"
    cache.clear()
    call_command("migrate", "signing", "0003", verbosity=0)  # a migration for the upgrade to apply
    yield tmp_path
    call_command("migrate", verbosity=0)  # the next test finds the schema whole whatever happened
    cache.clear()


@pytest.fixture
def admin(isolated: Path, demo: None) -> User:
    return User.objects.get(username="admin")


def _upgrade(*args: str) -> str:
    out = io.StringIO()
    call_command("upgrade", *args, stdout=out)
    return out.getvalue()


def _last_notice() -> SystemNotice:
    found = SystemNotice.objects.filter(title__startswith="Nâng cấp lên phiên bản").order_by("-pk").first()
    assert found is not None
    return found


def test_check_prints_the_pending_migrations_and_changes_nothing(admin: User, isolated: Path) -> None:
    out = _upgrade("--check")
    assert ROLLED_BACK in out
    assert "Sẽ sao lưu trước khi nâng cấp." in out
    assert "Sẽ KHÔNG sao lưu" in _upgrade("--check", "--no-backup")
    assert not backups_list(isolated / "backups")
    assert not UpgradeRun.objects.exists()
    assert not SystemNotice.objects.exists()
    assert pending_migrations() == [ROLLED_BACK]


def test_upgrade_backs_up_migrates_records_and_lifts_read_only(admin: User, isolated: Path, client: Any) -> None:
    out = _upgrade()
    assert "Đã bật chế độ chỉ xem" in out
    assert pending_migrations() == []
    with connection.cursor() as cursor:
        columns = [c.name for c in connection.introspection.get_table_description(cursor, TABLE)]
    assert "purpose" in columns

    backups = backups_list(isolated / "backups")
    assert len(backups) == 1
    run = UpgradeRun.objects.get()
    assert run.result == UpgradeResult.DONE
    assert run.backup == backups[0].name
    assert run.to_version == code_version()
    assert run.migrations.splitlines() == [ROLLED_BACK]
    assert run.finished_at is not None and run.finished_at >= run.started_at
    assert (isolated / "static").is_dir()  # collectstatic ran

    notice = _last_notice()  # the site was read-only for the duration, and no longer is
    assert notice.read_only
    assert notice.ended_at is not None and notice.starts_at >= run.started_at
    assert notice.ended_at <= run.finished_at
    assert notice_read_only() is None
    assert AuditEntry.objects.filter(action="operations.upgraded").count() == 1

    client.force_login(admin)
    assert 'href="/quan-tri/nang-cap/"' in client.get("/quan-tri/su-co/").content.decode()
    page = client.get("/quan-tri/nang-cap/").content.decode()
    assert backups[0].name in page and ROLLED_BACK in page and "Thành công" in page
    assert f"Có gì mới trong phiên bản {run.to_version}" in page  # everyone is told what changed


def test_a_failing_step_is_recorded_and_read_only_is_lifted(
    admin: User, isolated: Path, settings: Any, person: Any, client: Any
) -> None:
    blocker = isolated / "not-a-folder"
    blocker.write_text("collectstatic cannot make a folder here")
    settings.STATIC_ROOT = blocker
    with pytest.raises(CommandError, match="collectstatic"):
        _upgrade("--no-backup")
    run = UpgradeRun.objects.get()
    assert run.result == UpgradeResult.FAILED
    assert "collectstatic" in run.message
    assert run.backup == ""
    assert _last_notice().ended_at is not None
    assert notice_read_only() is None
    client.force_login(person("lethuha"))
    assert client.post("/van-ban-den/thong-bao/da-doc/").status_code != 503  # writes work again

    settings.STATIC_ROOT = isolated / "static"  # the cause fixed, the same command finishes the job
    _upgrade("--no-backup")
    assert UpgradeRun.objects.filter(result=UpgradeResult.DONE).count() == 1


def test_a_failed_backup_stops_the_upgrade_unless_no_backup_is_given(
    admin: User, isolated: Path, settings: Any
) -> None:
    dest = isolated / "backups-file"
    dest.write_text("not a folder")
    settings.QLVB_BACKUP_DIR = dest
    with pytest.raises(CommandError, match="CHƯA nâng cấp"):
        _upgrade()
    assert pending_migrations() == [ROLLED_BACK]  # nothing migrated
    assert not SystemNotice.objects.exists()  # never went read-only
    assert UpgradeRun.objects.get().result == UpgradeResult.FAILED

    _upgrade("--no-backup")
    assert pending_migrations() == []


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_migration_waiting_for_a_lock_stops_after_the_lock_timeout(
    admin: User, isolated: Path, settings: Any
) -> None:
    settings.QLVB_UPGRADE_LOCK_TIMEOUT = "1s"
    other = connection.get_new_connection(connection.get_connection_params())  # live traffic holding a lock
    try:
        other.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")  # psycopg: inside an open transaction
        started = time.monotonic()
        with pytest.raises(CommandError, match="chờ quá 1s mà chưa lấy được khóa bảng") as failed:
            _upgrade("--no-backup")
        assert time.monotonic() - started < 30
        assert "chạy lại `qlvb upgrade`" in str(failed.value)
        assert pending_migrations() == [ROLLED_BACK]  # the migration was rolled back whole
        run = UpgradeRun.objects.get()
        assert run.result == UpgradeResult.FAILED and "khóa bảng" in run.message
        assert _last_notice().ended_at is not None  # read-only lifted
        with connection.cursor() as cursor:
            cursor.execute("SHOW lock_timeout")
            assert cursor.fetchone()[0] == "0"  # the session's timeout is reset for whatever runs next
    finally:
        other.rollback()
        other.close()
    _upgrade("--no-backup")  # the lock released, the retry the message advises works
    assert pending_migrations() == []
