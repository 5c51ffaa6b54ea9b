"""``qlvb backup``: one consistent snapshot of the database and the file store together (Điều 18.2,
21.5 of the seed; docs/operations.md).

The backup is written into ``<dest>/.partial-<name>`` and renamed to ``<dest>/<name>`` only once
everything, the manifest last, is on disk and synced: a backup killed half-way (power cut, kill -9) is
never listed as good, and the previous backups are untouched. One backup at a time per folder (a lock).

Order: the audit chain's head is anchored, then the database is dumped (SQLite's online backup API, or
``pg_dump`` in custom format: both a consistent snapshot while the site keeps serving), then the file
store is copied (the folder, or every object of the S3 store, streamed). Stored files are content-addressed
and written before the row that names them is committed, so every file the snapshot refers to is already
there when the copy starts."""

from __future__ import annotations

import datetime as dt
import fcntl
import functools
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from qlvb.core.audit import anchor_path, anchor_write
from qlvb.core.errors import Conflict, DomainError

from . import backup_crypto
from .backup_manifest import READ_CHUNK, Entry, Manifest, manifest_write
from .errors import ErrorCode

PREFIX = "qlvb-"
PARTIAL = ".partial-"
NAME_FORMAT = "%Y%m%dT%H%M%SZ"
LOCK = ".lock"

Opener = Callable[[], AbstractContextManager[IO[bytes]]]


@dataclass(frozen=True)
class BackupResult:
    path: Path
    files: int
    bytes: int
    seconds: float


def backup_dir() -> Path:
    return Path(settings.QLVB_BACKUP_DIR)


def vendor() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


@contextmanager
def dest_locked(dest: Path) -> Iterator[None]:
    """Hold the folder's lock; a second backup into the same folder is refused, not queued."""
    dest.mkdir(parents=True, exist_ok=True)
    with (dest / LOCK).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise Conflict(
                "Đang có một lần sao lưu khác ghi vào thư mục này; hãy chờ nó xong.", code=ErrorCode.BACKUP_BUSY
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def backup_create(dest: Path | None = None, *, passphrase: str | None = None) -> BackupResult:
    """Write a new backup into ``dest`` (``QLVB_BACKUP_DIR`` by default), encrypted when a passphrase is
    given. Raises ``DomainError`` (nothing listed as a backup) when a step fails."""
    started = time.monotonic()
    dest = dest or backup_dir()
    with dest_locked(dest):
        partials_remove(dest)
        anchor_write()
        name = PREFIX + dt.datetime.now(dt.UTC).strftime(NAME_FORMAT)
        while (dest / name).exists():  # two backups in one second: the second waits for the next
            time.sleep(0.2)
            name = PREFIX + dt.datetime.now(dt.UTC).strftime(NAME_FORMAT)
        partial = dest / (PARTIAL + name)
        partial.mkdir()
        try:
            manifest = _write_contents(partial, passphrase)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        final = dest / name
        os.rename(partial, final)
        _fsync_dir(dest)
    return BackupResult(final, len(manifest.entries), manifest.total_bytes, time.monotonic() - started)


def _write_contents(partial: Path, passphrase: str | None) -> Manifest:
    salt = os.urandom(16) if passphrase else b""
    keys = backup_crypto.keys_derive(passphrase, salt) if passphrase else None
    database = "database.pgdump" if vendor() == "postgresql" else "database.sqlite3"
    manifest = Manifest(
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        vendor=vendor(),
        database=database,
        migrations=_migration_heads(),
        encrypted=keys is not None,
        salt=salt.hex(),
    )
    plain_dump = partial / (".plain-" + database)
    _dump_database(plain_dump)
    manifest.entries.append(_store(plain_dump, partial, database, keys, move=True))
    for source, relative in _file_store_files():
        manifest.entries.append(_store(source, partial, "files/" + relative, keys))
    anchors = anchor_path()
    if anchors.is_file():
        manifest.entries.append(_store(anchors, partial, "audit-anchor.jsonl", keys))
    manifest_write(partial, manifest, keys)
    return manifest


def _migration_heads() -> dict[str, str]:
    heads: dict[str, str] = {}
    for app, name in MigrationRecorder.Migration.objects.values_list("app", "name").order_by("app", "name"):
        heads[app] = name
    return heads


def _dump_database(target: Path) -> None:
    if vendor() == "postgresql":
        _pg_dump(target)
        return
    import sqlite3

    connection.ensure_connection()
    source: Any = connection.connection
    with sqlite3.connect(target) as copy:
        source.backup(copy, pages=1024)
    copy.close()


def pg_environment(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """The libpq arguments and environment for a Django database setting (password never on the command line)."""
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def program(name: str) -> str:
    """The full path of a PostgreSQL client program (``make setup`` installs them)."""
    found = shutil.which(name)
    if found is None:
        raise DomainError(f"Chưa cài {name} (gói postgresql-client): chạy make setup.", code=ErrorCode.BACKUP_FAILED)
    return found


LOCK_WAIT_RE = re.compile(r"^\d+(ms|s|min)?$")
# pg_dump's --lock-wait-timeout runs its LOCK TABLE under a statement_timeout; it fails with
# "canceling statement due to statement timeout … Query was: LOCK TABLE public.x IN ACCESS SHARE MODE".
LOCK_REFUSED = re.compile(r"Query was: LOCK TABLE (\S+) IN ACCESS SHARE MODE")


def lock_wait_timeout() -> str:
    """``QLVB_BACKUP_LOCK_WAIT_TIMEOUT`` (default 60s): how long ``pg_dump`` waits for each table's shared
    lock before it gives up (a table held by an ACCESS EXCLUSIVE lock — a migration, a VACUUM FULL, a
    LOCK TABLE — would otherwise make the backup hang as long as the lock is held). PostgreSQL's units:
    ``ms``, ``s``, ``min``; a bare number is milliseconds."""
    value = str(getattr(settings, "QLVB_BACKUP_LOCK_WAIT_TIMEOUT", "60s")).strip()
    if not LOCK_WAIT_RE.match(value):
        raise DomainError(
            f"QLVB_BACKUP_LOCK_WAIT_TIMEOUT không hợp lệ ({value!r}): ghi số kèm đơn vị ms, s hoặc min, ví dụ 60s.",
            code=ErrorCode.BACKUP_FAILED,
        )
    return value


def _pg_dump(target: Path) -> None:
    args, env = pg_environment(connection.settings_dict)
    wait = lock_wait_timeout()
    done = subprocess.run(  # noqa: S603 — fixed program, arguments from the settings
        [
            program("pg_dump"),
            "--format=custom",
            "--no-owner",
            f"--lock-wait-timeout={wait}",
            "--file",
            str(target),
            *args,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode == 0:
        return
    refused = LOCK_REFUSED.search(done.stderr)
    if refused is not None and "timeout" in done.stderr:
        table = f" “{refused.group(1)}”"
        raise Conflict(
            f"Không sao lưu được: bảng{table} đang bị khóa độc quyền (một lần di trú, VACUUM FULL hay thao tác "
            f"bảo trì khác đang chạy) và đã chờ quá {wait}. Chưa có bản sao lưu nào được ghi; hãy chạy lại khi "
            "thao tác đó xong, hoặc tăng QLVB_BACKUP_LOCK_WAIT_TIMEOUT.",
            code=ErrorCode.BACKUP_LOCKED,
        )
    raise DomainError(
        f"pg_dump không sao lưu được cơ sở dữ liệu: {done.stderr.strip()[:500]}", code=ErrorCode.BACKUP_FAILED
    )


def _file_store_files() -> Iterator[tuple[Opener, str]]:
    """Every file of the file store but its scratch folder (``tmp``: uploads being written), with the same
    relative names whichever store holds them (``ab/cd/<sha256>``): a backup of the folder store restores
    into an object store and back."""
    if settings.QLVB_STORAGE == "s3":
        from qlvb.files import s3store

        for key, _size in s3store.objects():
            yield functools.partial(s3store.reader, key), key
        return
    root = Path(settings.FILES_DIR)
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative.parts[0] == "tmp" or not path.is_file():
            continue
        yield functools.partial(_open_binary, path), relative.as_posix()


def _open_binary(path: Path) -> IO[bytes]:
    return path.open("rb")


def _store(
    source: Path | Opener, root: Path, relative: str, keys: backup_crypto.BackupKeys | None, move: bool = False
) -> Entry:
    """Copy (or encrypt) ``source`` (a file, or what opens a reader: an object of the store) to
    ``root/relative``, hashing both sides in the same pass."""
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    plain = _Hashing()
    stored = _Hashing()
    opener = functools.partial(_open_binary, source) if isinstance(source, Path) else source
    with opener() as src, target.open("wb") as out:
        sink = _Tee(out, stored)
        if keys is None:
            while chunk := src.read(READ_CHUNK):
                plain.write(chunk)
                sink.write(chunk)
        else:
            backup_crypto.encrypt_stream(_Reading(src, plain), sink, keys.encrypt, relative.encode("utf-8"))
        out.flush()
        os.fsync(out.fileno())
    if move and isinstance(source, Path):
        source.unlink()
    return Entry(path=relative, size=target.stat().st_size, sha256=stored.hexdigest(), plain_sha256=plain.hexdigest())


class _Hashing:
    def __init__(self) -> None:
        import hashlib

        self._digest = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self._digest.update(data)
        return len(data)

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


class _Tee:
    def __init__(self, out: Any, digest: _Hashing) -> None:
        self._out, self._digest = out, digest

    def write(self, data: bytes) -> int:
        self._digest.write(data)
        return int(self._out.write(data))


class _Reading:
    """A reader that hashes what passes through it (the plain side of an encrypted copy)."""

    def __init__(self, source: Any, digest: _Hashing) -> None:
        self._source, self._digest = source, digest

    def read(self, size: int = -1) -> bytes:
        data: bytes = self._source.read(size)
        self._digest.write(data)
        return data


def partials_remove(dest: Path) -> list[str]:
    """Delete what an interrupted backup left (called under the folder's lock, so none is being written)."""
    removed = []
    for path in sorted(dest.glob(PARTIAL + "*")):
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path.name)
    return removed


def backups_list(dest: Path | None = None) -> list[Path]:
    """The complete backups of the folder, oldest first (a partial one is never listed)."""
    dest = dest or backup_dir()
    if not dest.is_dir():
        return []
    return sorted(
        p for p in dest.iterdir() if p.is_dir() and p.name.startswith(PREFIX) and (p / "manifest.json").is_file()
    )


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
