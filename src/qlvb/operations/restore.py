"""``qlvb restore``: bring an empty database and an empty file store back to exactly a backup's state
(Điều 18.2 of the seed: "khôi phục về trạng thái ban đầu").

The whole backup is verified first (every file against the manifest; with the passphrase, every file
decrypted): a backup that does not match is refused and nothing is written. A database or a file store
that already holds data is never overwritten. The database goes in first (into a temporary file that is
renamed, or with ``pg_restore --single-transaction``), then the files, each written under a temporary
name, checked against its SHA-256 and renamed (into the object store when ``QLVB_STORAGE=s3``: checked in a
local temporary file, then uploaded under the same key). ``qlvb audit verify`` on the restored copy closes it."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from qlvb.core.errors import Conflict, DomainError

from . import backup_crypto
from .backup import pg_environment, program
from .backup_manifest import READ_CHUNK, Entry, Manifest, backup_verify
from .errors import ErrorCode


@dataclass(frozen=True)
class RestoreTarget:
    database: dict[str, Any]  # a Django DATABASES entry
    files_dir: Path
    anchor_file: Path
    store: str = "folder"  # "s3": the files go to the configured object store (settings.S3_*)

    @property
    def vendor(self) -> str:
        return "postgresql" if "postgresql" in str(self.database["ENGINE"]) else "sqlite"


def default_target() -> RestoreTarget:
    return RestoreTarget(
        database=dict(settings.DATABASES["default"]),
        files_dir=Path(settings.FILES_DIR),
        anchor_file=Path(settings.QLVB_AUDIT_ANCHOR_FILE),
        store=settings.QLVB_STORAGE,
    )


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    files: int
    anchor_restored: bool


def backup_restore(root: Path, target: RestoreTarget, *, passphrase: str | None = None) -> RestoreResult:
    report = backup_verify(root, passphrase)
    if not report.ok or report.manifest is None:
        raise DomainError(
            "Bản sao lưu không khớp danh mục, không khôi phục: " + "; ".join(report.problems[:5]),
            code=ErrorCode.BACKUP_INVALID,
        )
    manifest = report.manifest
    if manifest.encrypted and not passphrase:
        raise DomainError(
            "Bản sao lưu được mã hóa: cần cụm mật khẩu (QLVB_BACKUP_PASSPHRASE).", code=ErrorCode.BACKUP_KEY
        )
    if manifest.vendor != target.vendor:
        raise DomainError(
            f"Bản sao lưu của {manifest.vendor} không khôi phục vào {target.vendor}.", code=ErrorCode.RESTORE_VENDOR
        )
    _refuse_if_not_empty(target)
    keys = (
        backup_crypto.keys_derive(passphrase, bytes.fromhex(manifest.salt))
        if manifest.encrypted and passphrase
        else None
    )
    by_path = {entry.path: entry for entry in manifest.entries}
    _restore_database(root, by_path[manifest.database], target, keys)
    count = 0
    for entry in manifest.entries:
        if entry.path.startswith("files/"):
            if target.store == "s3":
                _place_object(root, entry, entry.path.removeprefix("files/"), keys)
            else:
                _place(root, entry, target.files_dir / entry.path.removeprefix("files/"), keys)
            count += 1
    anchor = by_path.get("audit-anchor.jsonl")
    anchor_restored = False
    if anchor is not None and not target.anchor_file.exists():
        _place(root, anchor, target.anchor_file, keys)
        anchor_restored = True
    return RestoreResult(manifest=manifest, files=count, anchor_restored=anchor_restored)


def _refuse_if_not_empty(target: RestoreTarget) -> None:
    if _database_has_tables(target):
        raise Conflict(
            "Cơ sở dữ liệu đích đã có dữ liệu: chỉ khôi phục vào một cơ sở dữ liệu trống "
            "(tạo mới bằng createdb, hoặc xóa tệp SQLite).",
            code=ErrorCode.RESTORE_NOT_EMPTY,
        )
    if target.store == "s3":
        from qlvb.files import s3store

        if next(iter(s3store.objects()), None) is not None:
            raise Conflict(
                f"Kho đối tượng đích (bucket {s3store.bucket()}) đã có tệp: chỉ khôi phục vào một kho trống.",
                code=ErrorCode.RESTORE_NOT_EMPTY,
            )
        return
    if target.files_dir.is_dir() and any(
        p.is_file() and p.relative_to(target.files_dir).parts[0] != "tmp" for p in target.files_dir.rglob("*")
    ):
        raise Conflict(
            f"Kho tệp đích {target.files_dir} đã có tệp: chỉ khôi phục vào một kho trống.",
            code=ErrorCode.RESTORE_NOT_EMPTY,
        )


def _database_has_tables(target: RestoreTarget) -> bool:
    if target.vendor == "sqlite":
        path = Path(str(target.database["NAME"]))
        if not path.exists() or path.stat().st_size == 0:
            return False
        with sqlite3.connect(path) as db:
            found = db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        return bool(found)
    args, env = pg_environment(target.database)
    done = subprocess.run(  # noqa: S603 — fixed program, arguments from the settings
        [
            program("psql"),
            "--no-psqlrc",
            "--tuples-only",
            "--no-align",
            *args,
            "--command",
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise DomainError(
            f"Không kết nối được cơ sở dữ liệu đích: {done.stderr.strip()[:300]}", code=ErrorCode.BACKUP_FAILED
        )
    return int(done.stdout.strip() or 0) > 0


def _restore_database(root: Path, entry: Entry, target: RestoreTarget, keys: backup_crypto.BackupKeys | None) -> None:
    if target.vendor == "sqlite":
        final = Path(str(target.database["NAME"]))
        final.parent.mkdir(parents=True, exist_ok=True)
        _place(root, entry, final, keys)
        return
    with tempfile.TemporaryDirectory(prefix="qlvb-restore-") as scratch:
        dump = Path(scratch) / "database.pgdump"
        _place(root, entry, dump, keys)
        args, env = pg_environment(target.database)
        done = subprocess.run(  # noqa: S603 — fixed program, arguments from the settings
            [
                program("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                *args,
                str(dump),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        raise DomainError(
            f"pg_restore không khôi phục được (cơ sở dữ liệu đích không đổi): {done.stderr.strip()[:500]}",
            code=ErrorCode.BACKUP_FAILED,
        )


def _place(root: Path, entry: Entry, final: Path, keys: backup_crypto.BackupKeys | None) -> None:
    """Write the entry's original content to ``final`` through a temporary name, checked before the rename."""
    final.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=final.parent, prefix=".restore-")
    try:
        digest = hashlib.sha256()
        with os.fdopen(handle, "wb") as out, (root / entry.path).open("rb") as source:
            sink = _Digesting(out, digest)
            if keys is None:
                while chunk := source.read(READ_CHUNK):
                    sink.write(chunk)
            else:
                backup_crypto.decrypt_stream(source, sink, keys.encrypt, entry.path.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != entry.plain_sha256:
            raise DomainError(f"Tệp {entry.path} đổi trong lúc khôi phục.", code=ErrorCode.BACKUP_INVALID)
        os.replace(temporary, final)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _place_object(root: Path, entry: Entry, relative: str, keys: backup_crypto.BackupKeys | None) -> None:
    """Write the entry's original content to the object store under ``relative``: through a local
    temporary file, checked against the manifest, then uploaded (multipart when large)."""
    from qlvb.files import s3store

    with tempfile.TemporaryDirectory(prefix="qlvb-restore-") as scratch:
        local = Path(scratch) / "object"
        _place(root, entry, local, keys)
        s3store.put_key(local, relative)


class _Digesting:
    def __init__(self, out: Any, digest: Any) -> None:
        self._out, self._digest = out, digest

    def write(self, data: bytes) -> int:
        self._digest.update(data)
        return int(self._out.write(data))
