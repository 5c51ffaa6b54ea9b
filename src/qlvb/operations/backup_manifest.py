"""The manifest of a backup: what it holds (database dump, files of the file store, the audit anchors)
with each file's size and SHA-256, written last; and the check of a backup against it, without restoring.

An unencrypted backup's manifest is sealed by ``manifest.sha256`` (catches corruption); an encrypted
one's by ``manifest.mac``, an HMAC under a key derived from the passphrase (catches tampering too)."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import backup_crypto

FORMAT = 1
MANIFEST = "manifest.json"
SEAL_PLAIN = "manifest.sha256"
SEAL_MAC = "manifest.mac"
READ_CHUNK = 1 << 20


@dataclass(frozen=True)
class Entry:
    path: str  # relative, with "/"
    size: int  # bytes stored in the backup
    sha256: str  # of the bytes stored (encrypted when the backup is)
    plain_sha256: str  # of the original content


@dataclass
class Manifest:
    created_at: str
    vendor: str  # "sqlite" or "postgresql"
    database: str  # the dump's path in the backup
    migrations: dict[str, str]
    encrypted: bool = False
    salt: str = ""  # hex, for the passphrase's keys when encrypted
    entries: list[Entry] = field(default_factory=list)
    format: int = FORMAT

    def to_bytes(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")

    @classmethod
    def from_bytes(cls, raw: bytes) -> Manifest:
        data: dict[str, Any] = json.loads(raw)
        entries = [Entry(**item) for item in data.pop("entries")]
        return cls(**data, entries=entries)

    @property
    def total_bytes(self) -> int:
        return sum(entry.size for entry in self.entries)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(READ_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def manifest_write(root: Path, manifest: Manifest, keys: backup_crypto.BackupKeys | None) -> None:
    raw = manifest.to_bytes()
    _write_synced(root / MANIFEST, raw)
    if keys is not None:
        _write_synced(root / SEAL_MAC, backup_crypto.manifest_mac(keys, raw).encode("ascii"))
    else:
        _write_synced(root / SEAL_PLAIN, hashlib.sha256(raw).hexdigest().encode("ascii"))


def _write_synced(path: Path, data: bytes) -> None:
    with path.open("wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


@dataclass
class VerifyReport:
    manifest: Manifest | None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checked: int = 0

    @property
    def ok(self) -> bool:
        return self.manifest is not None and not self.problems


def manifest_read(root: Path, passphrase: str | None) -> tuple[Manifest | None, list[str], list[str]]:
    """The manifest when its seal holds, else None with the reason."""
    path = root / MANIFEST
    if not path.is_file():
        return None, [f"thiếu danh mục {MANIFEST}: không phải bản sao lưu đã hoàn tất"], []
    raw = path.read_bytes()
    try:
        manifest = Manifest.from_bytes(raw)
    except (ValueError, TypeError, KeyError) as exc:
        return None, [f"danh mục {MANIFEST} không đọc được ({exc.__class__.__name__})"], []
    if manifest.format != FORMAT:
        return None, [f"định dạng bản sao lưu {manifest.format} không được hỗ trợ"], []
    if not manifest.encrypted:
        seal = (root / SEAL_PLAIN).read_text("ascii").strip() if (root / SEAL_PLAIN).is_file() else ""
        if not hmac.compare_digest(seal, hashlib.sha256(raw).hexdigest()):
            return None, [f"danh mục không khớp {SEAL_PLAIN}: danh mục đã bị sửa hoặc hỏng"], []
        return manifest, [], []
    if not passphrase:
        note = "bản sao lưu được mã hóa: không có cụm mật khẩu nên chỉ kiểm tra được các tệp đã mã hóa"
        return manifest, [], [note]
    keys = backup_crypto.keys_derive(passphrase, bytes.fromhex(manifest.salt))
    seal = (root / SEAL_MAC).read_text("ascii").strip() if (root / SEAL_MAC).is_file() else ""
    if not hmac.compare_digest(seal, backup_crypto.manifest_mac(keys, raw)):
        return None, ["sai cụm mật khẩu, hoặc danh mục đã bị sửa"], []
    return manifest, [], []


def stored_files(root: Path) -> Iterator[str]:
    """Every file of the backup folder other than the manifest and its seal, as relative paths."""
    for path in sorted(root.rglob("*")):
        if path.is_file():
            relative = path.relative_to(root).as_posix()
            if relative not in {MANIFEST, SEAL_PLAIN, SEAL_MAC}:
                yield relative


def backup_verify(root: Path, passphrase: str | None = None) -> VerifyReport:
    """Check every file of the backup against the manifest: present, same size, same SHA-256; for an
    encrypted backup with its passphrase, every file also decrypts to its original SHA-256. Reads the
    backup only."""
    manifest, problems, notes = manifest_read(root, passphrase)
    report = VerifyReport(manifest=manifest, problems=problems, notes=notes)
    if manifest is None:
        return report
    keys = (
        backup_crypto.keys_derive(passphrase, bytes.fromhex(manifest.salt))
        if manifest.encrypted and passphrase
        else None
    )
    listed = {entry.path for entry in manifest.entries}
    for extra in sorted(set(stored_files(root)) - listed):
        report.problems.append(f"tệp {extra} không có trong danh mục")
    for entry in manifest.entries:
        problem = _entry_problem(root, entry, keys)
        if problem:
            report.problems.append(problem)
        report.checked += 1
    return report


def _entry_problem(root: Path, entry: Entry, keys: backup_crypto.BackupKeys | None) -> str:
    path = root / entry.path
    if not path.is_file():
        return f"thiếu tệp {entry.path}"
    if path.stat().st_size != entry.size:
        return f"tệp {entry.path} sai kích thước"
    if sha256_of(path) != entry.sha256:
        return f"tệp {entry.path} sai mã băm SHA-256 (đã bị sửa hoặc hỏng)"
    if keys is not None:
        sink = _HashingSink()
        try:
            with path.open("rb") as source:
                backup_crypto.decrypt_stream(source, sink, keys.encrypt, entry.path.encode("utf-8"))
        except backup_crypto.DecryptError as exc:
            return f"tệp {entry.path} không giải mã được: {exc}"
        if sink.hexdigest() != entry.plain_sha256:
            return f"tệp {entry.path} giải mã ra nội dung khác bản gốc"
    return ""


class _HashingSink:
    """A write-only binary sink that keeps only the SHA-256 of what it is given."""

    def __init__(self) -> None:
        self._digest = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self._digest.update(data)
        return len(data)

    def hexdigest(self) -> str:
        return self._digest.hexdigest()
