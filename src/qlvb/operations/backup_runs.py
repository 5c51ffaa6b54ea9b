"""The log of backup runs: one JSON line per run in ``backup-runs.jsonl`` of the backup folder — when it
started and ended, what started it (the daily job, the command, "Sao lưu ngay"), the backup's name, its
files and size, whether it was verified against its manifest right after, or why it failed (the error's
code and message, e.g. ``backup_locked``). The file sits beside the backups it describes, so a copy of
the folder carries its history; ``/quan-tri/sao-luu/`` lists it.

"Sao lưu ngay" (:func:`backup_now_request`): the system administrator asks, the request is audited and
the Celery task ``qlvb.operations.backup_now`` queued after commit; the task runs :func:`backup_run`."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from qlvb.core import audit
from qlvb.core.errors import DomainError, PermissionDenied
from qlvb.directory.models import User

from .backup import backup_create, backup_dir
from .backup_manifest import backup_verify

RUNS_FILE = "backup-runs.jsonl"
TRIGGERS = {
    "daily": "Hằng ngày (tự động)",
    "command": "Lệnh qlvb backup",
    "now": "Sao lưu ngay",
    "upgrade": "Trước khi nâng cấp",
}


@dataclass(frozen=True)
class BackupRun:
    started_at: dt.datetime
    finished_at: dt.datetime
    trigger: str
    by: str
    ok: bool
    name: str
    files: int
    bytes: int
    verified: bool | None
    code: str
    message: str

    @property
    def trigger_label(self) -> str:
        return TRIGGERS.get(self.trigger, self.trigger)

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def run_record(dest: Path, record: dict[str, Any]) -> None:
    """Append one line (under an exclusive lock of the file, synced): never rewritten."""
    dest.mkdir(parents=True, exist_ok=True)
    line = json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
    with (dest / RUNS_FILE).open("a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def backup_run(
    dest: Path | None = None, *, passphrase: str | None, trigger: str, by: str = "", verify: bool = True
) -> BackupRun:
    """Make a backup (``backup_create``), verify it against its manifest when ``verify``, and log the run
    — a failed one too, with its code and message (``backup_failed`` for an unexpected error), before the
    error goes on to the caller."""
    dest = dest or backup_dir()
    started = _now()
    record: dict[str, Any] = {"started_at": started.isoformat(), "trigger": trigger, "by": by}
    try:
        result = backup_create(dest, passphrase=passphrase)
        verified = backup_verify(result.path, passphrase).ok if verify else None
    except Exception as exc:
        record.update(
            ok=False,
            code=str(exc.code) if isinstance(exc, DomainError) else "backup_failed",
            message=exc.message if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}"[:500],
            finished_at=_now().isoformat(),
        )
        with contextlib.suppress(OSError):  # the folder itself is the problem: the error says so
            run_record(dest, record)
        raise
    record.update(
        ok=True,
        name=result.path.name,
        files=result.files,
        bytes=result.bytes,
        verified=verified,
        finished_at=_now().isoformat(),
    )
    run_record(dest, record)
    return _parse(record)


def _parse(record: dict[str, Any]) -> BackupRun:
    return BackupRun(
        started_at=dt.datetime.fromisoformat(record["started_at"]),
        finished_at=dt.datetime.fromisoformat(record["finished_at"]),
        trigger=str(record.get("trigger", "")),
        by=str(record.get("by", "")),
        ok=bool(record.get("ok")),
        name=str(record.get("name", "")),
        files=int(record.get("files", 0)),
        bytes=int(record.get("bytes", 0)),
        verified=record.get("verified"),
        code=str(record.get("code", "")),
        message=str(record.get("message", "")),
    )


def backup_runs(dest: Path | None = None, *, limit: int = 200) -> list[BackupRun]:
    """The runs of the folder, newest first; a line that does not parse (a run killed while writing it)
    is skipped."""
    path = (dest or backup_dir()) / RUNS_FILE
    if not path.is_file():
        return []
    runs = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            try:
                runs.append(_parse(json.loads(line)))
            except (ValueError, KeyError, TypeError):
                continue
    runs.sort(key=lambda r: r.started_at, reverse=True)
    return runs[:limit]


# --- "Sao lưu ngay" -------------------------------------------------------------------------------


def backup_manage_refusal(actor: User | AnonymousUser) -> str:
    """The one precondition of the backups page and its button: the system administrator only."""
    if not actor.is_authenticated or not getattr(actor, "is_superuser", False):
        return "Chỉ quản trị hệ thống mới xem và chạy sao lưu."
    return ""


def backup_now_request(*, actor: User) -> None:
    """Queue a backup now (Celery, after commit), audited ``operations.backup_requested``."""
    refusal = backup_manage_refusal(actor)
    if refusal:
        raise PermissionDenied(refusal)
    from .tasks import backup_now_task

    with transaction.atomic():
        audit.record("operations.backup_requested", actor=actor, data={"dest": str(backup_dir())})
        transaction.on_commit(lambda: backup_now_task.delay(actor.username))
