"""A ZIP written entry by entry, each entry streamed and its SHA-256 remembered for a manifest: what the
dossier export package and the personal data export both write (never the whole archive in memory)."""

from __future__ import annotations

import contextlib
import hashlib
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.utils import timezone

CHUNK = 1 << 20


class HashingEntry(io.RawIOBase):
    """Writes through to a ZIP entry, hashing what passes."""

    def __init__(self, target: IO[bytes]):
        self.target = target
        self.digest = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.digest.update(chunk)
        self.target.write(chunk)
        return len(chunk)


class ManifestZipWriter:
    """Entries of ``zf``; ``manifest`` gets one ``(sha256, name)`` per entry written."""

    def __init__(self, zf: zipfile.ZipFile, manifest: list[tuple[str, str]]):
        self.zf = zf
        self.manifest = manifest

    @contextlib.contextmanager
    def entry(self, name: str, *, compress: bool) -> Iterator[HashingEntry]:
        info = zipfile.ZipInfo(name, date_time=timezone.localtime().timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        with self.zf.open(info, "w", force_zip64=True) as target:
            hashing = HashingEntry(target)
            yield hashing
        self.manifest.append((hashing.digest.hexdigest(), name))

    def copy(self, name: str, source: Path, *, compress: bool = False) -> str:
        """Copy a file into the ZIP in chunks; returns its SHA-256."""
        with self.entry(name, compress=compress) as out, source.open("rb") as fh:
            while chunk := fh.read(CHUNK):
                out.write(chunk)
        return self.manifest[-1][0]
