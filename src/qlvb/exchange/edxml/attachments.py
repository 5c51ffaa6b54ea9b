"""Attachments: zip then base64 on the way out, base64 then bounded inflate on the way in.

Both directions stream in fixed chunks, so a 50 MB attachment costs a few hundred kilobytes of
memory: the base64 text is decoded as the XML parser hands it over, straight to a temporary file;
the zip first passes the shared zip guard (``qlvb.files.zipguard``, the one guard for every ZIP the
system opens: the central directory, and every entry inflated and counted for an archive kept whole),
then is read one entry at a time through a counting inflater that stops the moment an entry passes the
per-file limit (the sizes the archive declares are never trusted).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import shutil
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO

from qlvb.files.zipguard import ZipLimits, ZipRefused, zip_check, zip_inspect

from ..errors import ErrorCode
from .errors import EdxmlRefused, EdxmlWarning, WarningCode

MiB = 1024 * 1024
CHUNK = 256 * 1024
_WS = b" \t\r\n"
#: fixed timestamp inside the zips we build, so the same file always gives the same package
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Limits:
    """Per-package limits (the seed's 50 MB per file, Điều 8.4)."""

    max_file_bytes: int = 50 * MiB  # one inflated file
    max_total_bytes: int = 500 * MiB  # all inflated files of a package
    max_entries: int = 100  # entries in one attachment's zip
    max_attachments: int = 500
    max_text_bytes: int = 1 * MiB  # any metadata element's text
    max_elements: int = 100_000  # metadata elements (everything but attachment content)


# --- base64, incrementally ---------------------------------------------------------------------


class Base64Sink:
    """Decode base64 text as it arrives, writing the bytes to ``out`` (strict alphabet, whitespace
    ignored, padding only at the end)."""

    def __init__(self, out: IO[bytes], *, limit: int, element: str = "ContentTransferEncoded") -> None:
        self.out = out
        self.limit = limit
        self.element = element
        self.pending = b""
        self.written = 0
        self.done = False

    def feed(self, text: str) -> None:
        try:
            data = text.encode("ascii")
        except UnicodeEncodeError:
            raise EdxmlRefused(
                "Nội dung tệp đính kèm không phải base64 (có ký tự ngoài bảng mã base64)",
                code=ErrorCode.BAD_BASE64,
                element=self.element,
            ) from None
        data = self.pending + data.translate(None, _WS)
        cut = len(data) - len(data) % 4
        self.pending = data[cut:]
        if cut:
            self._decode(data[:cut])

    def _decode(self, data: bytes) -> None:
        if self.done:
            raise EdxmlRefused(
                "Nội dung tệp đính kèm không phải base64 (dữ liệu sau ký tự đệm '=')",
                code=ErrorCode.BAD_BASE64,
                element=self.element,
            )
        try:
            raw = binascii.a2b_base64(data, strict_mode=True)
        except binascii.Error as exc:
            raise EdxmlRefused(
                f"Nội dung tệp đính kèm không giải mã được base64 ({exc})",
                code=ErrorCode.BAD_BASE64,
                element=self.element,
            ) from None
        if data.endswith(b"="):
            self.done = True
        self.written += len(raw)
        if self.written > self.limit:
            raise EdxmlRefused(
                f"Tệp đính kèm vượt quá giới hạn {self.limit // MiB} MB", code=ErrorCode.TOO_LARGE, element=self.element
            )
        self.out.write(raw)

    def close(self) -> int:
        if self.pending:
            raise EdxmlRefused(
                "Nội dung tệp đính kèm không giải mã được base64 (độ dài không hợp lệ)",
                code=ErrorCode.BAD_BASE64,
                element=self.element,
            )
        return self.written


# --- inflate, bounded --------------------------------------------------------------------------


def safe_name(name: str, fallback: str = "tep-dinh-kem") -> str:
    """A file name safe to write inside a folder: no folders, no control characters, NFC."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").split("/")[-1]
    name = "".join(c for c in name if c.isprintable() and c not in '<>:"|?*').strip().strip(".")
    return name[:200] or fallback


@dataclass
class Inflated:
    size: int
    sha256: str
    path: Path | None
    warnings: list[EdxmlWarning]


def inflate_attachment(
    blob: Path,
    *,
    name: str,
    out_dir: Path | None,
    limits: Limits,
    used: int,
    element: str,
    content_type: str = "application/zip",
) -> Inflated:
    """Turn the decoded bytes of one attachment into the file it carries.

    The VPCP library zips an attachment and declares ``application/zip`` — except .pdf, .doc,
    .docx, .xls(x) and .zip files, which it base64-encodes as they are, declaring
    ``application/pdf`` etc. So: declared anything but ``application/zip`` (or an attached file
    named ``.zip``) → the bytes are the file itself (a .docx is a zip: never unpacked here);
    declared ``application/zip`` (or nothing) → a zip holding one file gives that file under
    ``name``; a zip holding several is kept whole (each entry still inflated and counted, so a
    bomb is refused) with a warning; bytes that are not a zip are kept, with a warning.
    """
    warnings: list[EdxmlWarning] = []
    with open(blob, "rb") as fh:
        magic = fh.read(4)
    declared = content_type.strip().lower()
    if declared not in ("", "application/zip", "application/x-zip-compressed"):
        return _keep(blob, name, out_dir, limits, used, warnings, element)
    if magic != b"PK\x03\x04":
        warnings.append(
            EdxmlWarning(WarningCode.NOT_ZIPPED, "tệp đính kèm khai là zip nhưng không phải tệp nén; giữ nguyên", name)
        )
        return _keep(blob, name, out_dir, limits, used, warnings, element)
    if name.lower().endswith(".zip"):  # a .zip attached as such (the VPCP library sends it unwrapped)
        _zip_guard(blob, limits, used, element, inflate=True)
        return _keep(blob, name, out_dir, limits, used, warnings, element)
    try:
        zf = zipfile.ZipFile(blob)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise EdxmlRefused(f"Tệp nén đính kèm bị hỏng ({exc})", code=ErrorCode.BAD_ZIP, element=element) from None
    _zip_guard(blob, limits, used, element, inflate=False)
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > limits.max_entries:
            raise EdxmlRefused(
                f"Tệp nén đính kèm có quá nhiều tệp ({len(infos)} > {limits.max_entries})",
                code=ErrorCode.ZIP_ENTRIES,
                element=element,
            )
        if not infos:
            raise EdxmlRefused("Tệp nén đính kèm không chứa tệp nào", code=ErrorCode.BAD_ZIP, element=element)
        if len(infos) == 1:
            return _write_entry(zf, infos[0], name, out_dir, limits, used, warnings, element)
    _zip_guard(blob, limits, used, element, inflate=True)
    warnings.append(EdxmlWarning(WarningCode.ZIP_MANY, f"tệp nén chứa {len(infos)} tệp; giữ nguyên tệp nén", name))
    zip_name = name if name.lower().endswith(".zip") else name + ".zip"
    return _keep(blob, zip_name, out_dir, limits, used, warnings, element)


def _zip_limits(limits: Limits, used: int) -> ZipLimits:
    shared = ZipLimits.from_settings()  # ratio, nesting: the deployment's one zip policy (files/zipguard.py)
    return replace(
        shared,
        max_entries=limits.max_entries,
        max_entry_bytes=limits.max_file_bytes,
        max_total_bytes=max(limits.max_total_bytes - used, 0),
    )


def _zip_guard(blob: Path, limits: Limits, used: int, element: str, *, inflate: bool) -> None:
    """The shared zip guard (the same for every zip the system opens, issue 9): the central directory
    always; with ``inflate`` every entry streamed and counted too (an archive kept whole)."""
    try:
        if inflate:
            zip_check(blob, limits=_zip_limits(limits, used))
        else:
            zip_inspect(blob, limits=_zip_limits(limits, used))
    except ZipRefused as refused:
        raise EdxmlRefused(
            f"Tệp nén đính kèm bị từ chối: {refused.reason}", code=ErrorCode.ZIP_BOMB, element=element
        ) from None


def _total_refused(limits: Limits, element: str) -> EdxmlRefused:
    return EdxmlRefused(
        f"Tổng dung lượng tệp đính kèm vượt quá {limits.max_total_bytes // MiB} MB",
        code=ErrorCode.TOO_LARGE,
        element=element,
    )


def _entry_chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, element: str) -> Iterator[bytes]:
    if info.flag_bits & 0x1:
        raise EdxmlRefused("Tệp nén đính kèm có mật khẩu", code=ErrorCode.BAD_ZIP, element=element)
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise EdxmlRefused("Tệp nén đính kèm dùng kiểu nén không hỗ trợ", code=ErrorCode.BAD_ZIP, element=element)
    count = 0
    try:
        with zf.open(info) as src:
            while True:
                # read at most one byte past the limit: the declared size is never trusted
                chunk = src.read(min(CHUNK, limits.max_file_bytes + 1 - count))
                if not chunk:
                    return
                count += len(chunk)
                if count > limits.max_file_bytes:
                    raise EdxmlRefused(
                        f"Tệp trong tệp nén đính kèm giải nén vượt quá {limits.max_file_bytes // MiB} MB",
                        code=ErrorCode.TOO_LARGE,
                        element=element,
                    )
                yield chunk
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise EdxmlRefused(f"Tệp nén đính kèm bị hỏng ({exc})", code=ErrorCode.BAD_ZIP, element=element) from None


def _write_entry(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    name: str,
    out_dir: Path | None,
    limits: Limits,
    used: int,
    warnings: list[EdxmlWarning],
    element: str,
) -> Inflated:
    digest = hashlib.sha256()
    size = 0
    target = _target(out_dir, name)
    out = open(target, "wb") if target else None  # noqa: SIM115 — closed below
    try:
        for chunk in _entry_chunks(zf, info, limits, element):
            size += len(chunk)
            if used + size > limits.max_total_bytes:
                raise _total_refused(limits, element)
            digest.update(chunk)
            if out:
                out.write(chunk)
    except BaseException:
        if out:
            out.close()
            target.unlink(missing_ok=True)  # type: ignore[union-attr]
        raise
    if out:
        out.close()
    return Inflated(size=size, sha256=digest.hexdigest(), path=target, warnings=warnings)


def _keep(
    blob: Path,
    name: str,
    out_dir: Path | None,
    limits: Limits,
    used: int,
    warnings: list[EdxmlWarning],
    element: str,
    *,
    check_size: bool = True,
) -> Inflated:
    size = blob.stat().st_size
    if check_size and size > limits.max_file_bytes:
        raise EdxmlRefused(
            f"Tệp đính kèm vượt quá giới hạn {limits.max_file_bytes // MiB} MB",
            code=ErrorCode.TOO_LARGE,
            element=element,
        )
    if check_size and used + size > limits.max_total_bytes:
        raise _total_refused(limits, element)
    digest = hashlib.sha256()
    with open(blob, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    target = _target(out_dir, name)
    if target:
        shutil.copyfile(blob, target)
    return Inflated(size=size, sha256=digest.hexdigest(), path=target, warnings=warnings)


def _target(out_dir: Path | None, name: str) -> Path | None:
    """A new path for ``name`` in ``out_dir`` (``name (2).ext`` when taken)."""
    if out_dir is None:
        return None
    out_dir.mkdir(parents=True, exist_ok=True)
    base = safe_name(name)
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    candidate, n = out_dir / base, 1
    while candidate.exists():
        n += 1
        candidate = out_dir / (f"{stem} ({n}).{ext}" if ext else f"{stem} ({n})")
    return candidate


# --- the way out: zip, then base64 -------------------------------------------------------------


def zip_file(src: Path, *, inner_name: str, tmp_dir: str | None = None) -> Path:
    """Zip ``src`` (one entry named ``inner_name``, fixed timestamp) into a temp file.

    Deflated, as the VPCP library does — unless the first 64 KiB do not shrink (a signed PDF, a
    .docx, a scan: already compressed), then the entry is *stored*: deflating incompressible
    bytes costs most of the build time and saves nothing; every unzip reads both methods."""
    with open(src, "rb") as fh:
        probe = fh.read(64 * 1024)
    deflate = len(zlib.compress(probe, 6)) < 0.97 * len(probe) if probe else True
    fd, tmp = tempfile.mkstemp(suffix=".zip", dir=tmp_dir)
    os.close(fd)
    info = zipfile.ZipInfo(safe_name(inner_name), date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    with zipfile.ZipFile(tmp, "w") as zf, zf.open(info, "w") as dst, open(src, "rb") as fh:
        while chunk := fh.read(CHUNK):
            dst.write(chunk)
    return Path(tmp)


def base64_chunks(src: Path) -> Iterator[bytes]:
    """The base64 text of ``src`` as ASCII chunks, one line, no line breaks (as the VPCP samples)."""
    step = 3 * 256 * 1024
    with open(src, "rb") as fh:
        while chunk := fh.read(step):
            yield base64.b64encode(chunk)


__all__ = ["Base64Sink", "Inflated", "Limits", "MiB", "base64_chunks", "inflate_attachment", "safe_name", "zip_file"]
