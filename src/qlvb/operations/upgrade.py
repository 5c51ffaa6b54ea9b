"""``qlvb upgrade`` (Điều 21.6–21.7 of the seed; docs/operations.md "Nâng cấp"): a backup first, the site
read-only for the duration (the maintenance notice of ``operations.notices``), the migrations under a
PostgreSQL ``lock_timeout`` so none waits forever behind live traffic, ``collectstatic``, the run recorded
(``UpgradeRun``, page /quan-tri/nang-cap/), and read-only lifted at the end — also when a step failed."""

from __future__ import annotations

import importlib.metadata
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from qlvb.core import audit
from qlvb.core.errors import DomainError
from qlvb.directory.models import User

from .backup import backup_dir
from .backup_runs import backup_run
from .errors import ErrorCode
from .notice_models import NoticeKind, SystemNotice
from .notices import NoticeData, notice_end, notice_start
from .upgrade_models import UpgradeResult, UpgradeRun
from .whats_new import upgraded_version_changed

LOCK_TIMEOUT_RE = re.compile(r"^\d+(ms|s|min)?$")
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE for a lock_timeout that expired

Say = Callable[[str], None]


class UpgradeError(DomainError):
    """A step of the upgrade failed; the message says what happened and how to retry."""


@dataclass(frozen=True)
class UpgradePlan:
    from_version: str
    to_version: str
    pending: list[str] = field(default_factory=list)  # "app.migration" in the order they would run
    backup: bool = True


def code_version() -> str:
    """The version of the code being installed (pyproject.toml's ``version``)."""
    return importlib.metadata.version("qlvb")


def _table_exists(model: type) -> bool:
    return model._meta.db_table in connection.introspection.table_names()  # type: ignore[attr-defined]


def installed_version() -> str:
    """The version the last successful upgrade installed ("" before the first one)."""
    if not _table_exists(UpgradeRun):
        return ""
    last = UpgradeRun.objects.filter(result=UpgradeResult.DONE).order_by("-finished_at", "-id").first()
    return last.to_version if last else ""


def _database_used() -> bool:
    """Whether the database holds anything yet (a fresh one has not even the migrations table)."""
    return "django_migrations" in connection.introspection.table_names()


def pending_migrations() -> list[str]:
    executor = MigrationExecutor(connection)
    targets = executor.loader.graph.leaf_nodes()
    return [f"{m.app_label}.{m.name}" for m, backwards in executor.migration_plan(targets) if not backwards]


def upgrade_plan(*, no_backup: bool = False) -> UpgradePlan:
    """What ``qlvb upgrade`` would do (``--check``): changes nothing."""
    return UpgradePlan(installed_version(), code_version(), pending_migrations(), backup=not no_backup)


def lock_timeout() -> str:
    value = str(settings.QLVB_UPGRADE_LOCK_TIMEOUT).strip()
    if not LOCK_TIMEOUT_RE.match(value):
        raise UpgradeError(
            f"QLVB_UPGRADE_LOCK_TIMEOUT không hợp lệ ({value!r}): ghi số kèm đơn vị ms, s hoặc min, ví dụ 5s.",
            code=ErrorCode.UPGRADE_FAILED,
        )
    return value


def upgrade_run(
    *,
    no_backup: bool = False,
    backup_dest: Path | None = None,
    passphrase: str | None = None,
    say: Say = lambda _text: None,
) -> UpgradeRun:
    """Run the upgrade; returns the recorded run, or raises ``UpgradeError`` after recording the failure
    and lifting read-only."""
    timeout = lock_timeout()
    plan = upgrade_plan(no_backup=no_backup)
    recorded = _table_exists(UpgradeRun)
    run = UpgradeRun(
        from_version=plan.from_version,
        to_version=plan.to_version,
        started_at=timezone.now(),
        result=UpgradeResult.RUNNING,
    )
    if recorded:
        run.save()
    if plan.backup and not recorded and not _database_used():
        say("Cơ sở dữ liệu còn trống: không có gì để sao lưu.")
    elif plan.backup:
        say("Đang sao lưu trước khi nâng cấp…")
        try:
            done = backup_run(backup_dest, passphrase=passphrase, trigger="upgrade", verify=False)  # logged
        except Exception as exc:
            reason = exc.message if isinstance(exc, DomainError) else str(exc)
            message = (
                f"Không sao lưu được nên CHƯA nâng cấp: {reason} Hãy sửa lỗi sao lưu rồi chạy lại "
                "`qlvb upgrade` (chỉ bỏ qua sao lưu bằng --no-backup khi đã có bản sao lưu khác)."
            )
            _finish(run, recorded, UpgradeResult.FAILED, message)
            raise UpgradeError(message, code=ErrorCode.UPGRADE_BACKUP) from exc
        run.backup = done.name
        say(f"Đã sao lưu: {(backup_dest or backup_dir()) / done.name}")
    notice = _read_only_start(plan.to_version, say)
    try:
        run.migrations = "\n".join(plan.pending)
        _migrate(timeout, say)
        say("Đang thu gom tệp tĩnh (collectstatic)…")
        try:
            call_command("collectstatic", interactive=False, verbosity=0, stdout=io.StringIO())
        except Exception as exc:
            raise UpgradeError(
                f"Bước thu gom tệp tĩnh (collectstatic) thất bại: {exc}. Cơ sở dữ liệu đã được di trú; sửa lỗi "
                "(quyền ghi thư mục STATIC_ROOT) rồi chạy lại `qlvb upgrade`.",
                code=ErrorCode.UPGRADE_FAILED,
            ) from exc
    except UpgradeError as exc:
        _read_only_end(notice, failed=True)
        _finish(run, True, UpgradeResult.FAILED, exc.message)
        raise
    _read_only_end(notice, failed=False)
    _finish(run, True, UpgradeResult.DONE, "")
    return run


def _migrate(timeout: str, say: Say) -> None:
    postgres = connection.vendor == "postgresql"
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('lock_timeout', %s, false)", [timeout])
    say("Đang di trú cơ sở dữ liệu (migrate)…")
    try:
        call_command("migrate", database=DEFAULT_DB_ALIAS, interactive=False, verbosity=0, stdout=io.StringIO())
    except OperationalError as exc:
        cause = exc.__cause__
        if postgres and getattr(cause, "sqlstate", None) == LOCK_NOT_AVAILABLE:
            raise UpgradeError(
                f"Di trú dừng lại: chờ quá {timeout} mà chưa lấy được khóa bảng vì đang có truy cập khác giữ "
                "khóa. Bước di trú đang chạy đã được hoàn tác, các bước xong trước đó được giữ. Hãy chạy lại "
                "`qlvb upgrade` lúc ít người dùng (hoặc tăng QLVB_UPGRADE_LOCK_TIMEOUT, ví dụ 30s).",
                code=ErrorCode.UPGRADE_LOCK,
            ) from exc
        raise UpgradeError(f"Di trú cơ sở dữ liệu thất bại: {exc}", code=ErrorCode.UPGRADE_FAILED) from exc
    except Exception as exc:
        raise UpgradeError(f"Di trú cơ sở dữ liệu thất bại: {exc}", code=ErrorCode.UPGRADE_FAILED) from exc
    finally:
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")


def _read_only_start(version: str, say: Say) -> SystemNotice | None:
    """Announce the maintenance with read-only on, in the name of the first system administrator (a fresh
    database without one, or without the table yet, has no users to protect: nothing to announce)."""
    if not _table_exists(SystemNotice):
        return None
    actor = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if actor is None:
        say("Chưa có quản trị hệ thống nào: không bật chế độ chỉ xem.")
        return None
    notice = notice_start(
        actor=actor,
        data=NoticeData(
            kind=NoticeKind.MAINTENANCE,
            title=f"Nâng cấp lên phiên bản {version}",
            body="Hệ thống đang được nâng cấp; vài phút nữa sẽ dùng lại bình thường.",
            read_only=True,
        ),
    )
    say("Đã bật chế độ chỉ xem trong lúc nâng cấp.")
    return notice


def _read_only_end(notice: SystemNotice | None, *, failed: bool) -> None:
    if notice is None:
        return
    cause = "Nâng cấp không thành công; hệ thống vẫn chạy phiên bản cũ." if failed else "Đã nâng cấp xong."
    notice_end(actor=notice.created_by, notice_id=notice.pk, cause=cause)


def _finish(run: UpgradeRun, recorded: bool, result: str, message: str) -> None:
    if not recorded and not _table_exists(UpgradeRun):
        return
    run.result = result
    run.message = message
    run.finished_at = timezone.now()
    run.save()
    audit.record(
        "operations.upgraded",
        obj=run,
        username="qlvb upgrade",
        data={"from_version": run.from_version, "to_version": run.to_version, "result": result},
    )
    upgraded_version_changed()
