"""Content-addressed storage: a folder on the local file system (``QLVB_STORAGE=folder``, the default) or
an S3-compatible object store (``QLVB_STORAGE=s3``, ``s3store.py``), with the same keys and the same promises.

Layout under ``settings.FILES_DIR`` (with S3, only ``tmp/`` is local; the objects are keyed the same way)::

    tmp/                     uploads being written (same file system, so the rename is atomic)
    ab/cd/abcd…<64 hex>      one file per distinct content, named by its SHA-256, read-only

A writer streams into ``tmp/`` while hashing, fsyncs, then renames the file to its final name and
fsyncs the directory. The name is the checksum, so :func:`open_verified` re-hashes on every read
and refuses to serve content that no longer matches (:class:`BlobCorruptedError`).

Code outside this module reads a content through :func:`open_verified` (a verified handle) or
:func:`blob_local` (a verified local path); :func:`blob_path` is the folder store's own layout.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from django.conf import settings

from qlvb.core.errors import DomainError

from .errors import ErrorCode

log = logging.getLogger(__name__)

CHUNK_SIZE = 1024 * 1024
_HEX = frozenset("0123456789abcdef")


class BlobCorruptedError(DomainError):
    """The stored content no longer matches its SHA-256: it is never served (HTTP 500)."""

    status_code = 500


class BlobMissingError(DomainError):
    status_code = 500


class StorageUnavailable(DomainError):  # noqa: N818 — named for what happened, like the HTTP status
    """The object store cannot be reached: nothing was stored or served (HTTP 503)."""

    status_code = 503


def unavailable(label: str, *, upload: bool) -> StorageUnavailable:
    what = "nhận" if upload else "đọc"
    tail = " Hệ thống chưa lưu gì từ lần tải lên này." if upload else ""
    return StorageUnavailable(
        f"Kho lưu trữ tệp tạm thời không truy cập được nên chưa {what} được tệp {label}.{tail} "
        "Hãy thử lại sau ít phút; nếu lỗi kéo dài, hãy báo quản trị hệ thống.",
        code=ErrorCode.STORAGE_UNAVAILABLE,
    )


class FileDisposedError(DomainError):
    """The file was destroyed by a disposal that the law allowed (HTTP 410 Gone): its message says which record."""

    status_code = 410


def on_s3() -> bool:
    return bool(settings.QLVB_STORAGE == "s3")


def files_root() -> Path:
    return Path(settings.FILES_DIR)


def tmp_dir() -> Path:
    path = files_root() / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return path


def blob_path(sha256: str) -> Path:
    if len(sha256) != 64 or not set(sha256) <= _HEX:
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return files_root() / sha256[:2] / sha256[2:4] / sha256


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class BlobWriter:
    """Write a new content: ``write`` chunks, ``finish``, then ``place``; on any exception inside
    the ``with`` block (or without ``place``) the temporary file is removed."""

    def __init__(self, *, name: str = "") -> None:
        self.name = name  # the file's name, for messages
        fd, name = tempfile.mkstemp(prefix="upload-", suffix=".part", dir=tmp_dir())
        self.temp_path = Path(name)
        self._fh: BinaryIO | None = os.fdopen(fd, "wb")
        self._hash = hashlib.sha256()
        self.size = 0
        self._placed = False

    def __enter__(self) -> BlobWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.discard()

    def write(self, chunk: bytes) -> None:
        assert self._fh is not None, "writer already finished"
        self._fh.write(chunk)
        self._hash.update(chunk)
        self.size += len(chunk)

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def finish(self) -> None:
        """Flush and close the temporary file (it is fsynced in :meth:`place`, only if it is kept)."""
        if self._fh is not None:
            self._fh.flush()
            self._fh.close()
            self._fh = None

    def place(self) -> bool:
        """Give the content its final name. Returns True when this call created the stored file,
        False when the same content was already there (the temporary file is then dropped)."""
        self.finish()
        if on_s3():
            from . import s3store

            created = s3store.put_file(self.temp_path, self.sha256, self.size, name=self.name)
            self.discard()
            self._placed = True
            return created
        final = blob_path(self.sha256)
        if final.exists():
            if verify_file(final, self.sha256, self.size):
                self.discard()
                self._placed = True
                return False
            log.error("stored blob %s was damaged; replaced by the identical upload", final)
        final.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.temp_path, os.O_RDONLY)
        try:
            os.fsync(fd)  # the content is on disk before it gets its name
        finally:
            os.close(fd)
        os.chmod(self.temp_path, 0o440)
        os.replace(self.temp_path, final)  # atomic on one file system
        _fsync_dir(final.parent)
        self._placed = True
        return True

    def discard(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        with contextlib.suppress(FileNotFoundError):
            self.temp_path.unlink()


def blob_remove(sha256: str) -> None:
    """Remove a stored content (one this transaction just created and is rolling back, or a disposal)."""
    if on_s3():
        from . import s3store

        s3store.delete(sha256)
        return
    with contextlib.suppress(FileNotFoundError):
        blob_path(sha256).unlink()


def verify_file(path: Path, sha256: str, size: int | None = None) -> bool:
    digest = hashlib.sha256()
    total = 0
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK_SIZE), b""):
            digest.update(chunk)
            total += len(chunk)
    return digest.hexdigest() == sha256 and (size is None or total == size)


def open_verified(sha256: str, *, size: int | None = None, name: str = "") -> BinaryIO:
    """Open a stored content for reading after checking its SHA-256 (and size).

    The returned handle is the one that was verified (positioned at 0), so what is served is what
    was checked. Raises :class:`BlobMissingError` or :class:`BlobCorruptedError` with a Vietnamese message.
    """
    label = f"“{name}”" if name else sha256[:12]
    if on_s3():
        from . import s3store

        return s3store.copy_verified(sha256, size=size, name=name, missing=_missing(label), corrupted=_corrupted(label))
    path = blob_path(sha256)
    try:
        fh = open(path, "rb")  # noqa: SIM115 - handed to the caller
    except FileNotFoundError:
        log.error("blob missing: %s", path)
        raise _missing(label) from None
    digest = hashlib.sha256()
    total = 0
    for chunk in iter(lambda: fh.read(CHUNK_SIZE), b""):
        digest.update(chunk)
        total += len(chunk)
    if digest.hexdigest() != sha256 or (size is not None and total != size):
        fh.close()
        log.error("blob corrupted: %s (sha256 now %s, %d bytes)", path, digest.hexdigest(), total)
        raise _corrupted(label)
    fh.seek(0)
    return fh


def _missing(label: str) -> BlobMissingError:
    return BlobMissingError(
        f"Không tìm thấy nội dung của tệp {label} trên máy chủ. Hãy báo quản trị hệ thống.",
        code=ErrorCode.FILE_MISSING,
    )


def _corrupted(label: str) -> BlobCorruptedError:
    return BlobCorruptedError(
        f"Nội dung tệp {label} trên máy chủ đã bị thay đổi hoặc hỏng (mã kiểm tra SHA-256 không "
        "khớp) nên không được cung cấp. Hãy báo quản trị hệ thống.",
        code=ErrorCode.FILE_CORRUPTED,
    )


@contextlib.contextmanager
def blob_local(sha256: str, *, size: int | None = None, name: str = "") -> Iterator[Path]:
    """A local path holding the content, for tools that need a file (pdftotext, OCR, LibreOffice, ZIP
    copies): the stored file itself in the folder store; with S3 a verified copy in ``tmp/``, removed
    after the block."""
    if not on_s3():
        yield blob_path(sha256)
        return
    from . import s3store

    label = f"“{name}”" if name else sha256[:12]
    fd, temp = tempfile.mkstemp(prefix="read-", suffix=".blob", dir=tmp_dir())
    try:
        with os.fdopen(fd, "wb") as out:
            s3store.copy_verified(
                sha256, size=size, name=name, missing=_missing(label), corrupted=_corrupted(label), out=out
            )
        yield Path(temp)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)


def blob_exists(sha256: str) -> bool:
    if on_s3():
        from . import s3store

        return s3store.exists(sha256)
    return blob_path(sha256).exists()


def download_url(sha256: str, *, name: str, content_type: str, disposition: str) -> str | None:
    """With ``QLVB_S3_DOWNLOAD=presigned``: a short-lived presigned URL of the content (the caller has
    checked the permission); otherwise None (the app streams the verified content itself)."""
    if not (on_s3() and settings.S3_DOWNLOAD == "presigned"):
        return None
    from . import s3store

    label = f"“{name}”" if name else sha256[:12]
    return s3store.presigned_url(
        sha256, name=name, content_type=content_type, disposition=disposition, missing=_missing(label)
    )


def store_health() -> dict[str, str]:
    """For ``/healthz``: can this node write contents? The folder (or its nearest existing parent) is
    writable; the bucket answers a ``HEAD`` with our credentials."""
    if on_s3():
        from . import s3store

        return s3store.health()
    folder = files_root()
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if os.access(folder, os.W_OK):
        return {"status": "ok", "store": "folder"}
    return {"status": "error", "store": "folder", "error": "FolderNotWritable"}
