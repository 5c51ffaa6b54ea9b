"""The one guard for every ZIP the system opens (docx, xlsx, odt, ods at intake and in the secrecy
check, xlsx imports, edXML attachments): a zip bomb is refused before anything unpacks it.

Two steps, both bounded whatever the file claims:

1. :func:`zip_inspect` reads only the central directory: the number of entries (taken from the end
   record *before* the directory is parsed, so a million tiny entries cost nothing), every name
   (no absolute path, no ``..``, no drive letter or backslash, no NUL), encryption, compression
   method (stored or deflate, what Office and ODF write), the declared size of each entry and of
   the whole, and the compression ratio of each entry and of the whole.
2. :func:`zip_check` (intake) then inflates every entry as a stream, counting the bytes actually
   produced: an entry that unpacks to more than it declared, or past the caps, is refused the
   moment the count passes — the declared sizes are never trusted. An entry that is itself a ZIP
   (an Excel chart embedded in a Word file) is inspected the same way, one level deep
   (``ZIP_MAX_DEPTH``), its bytes counting towards the same total.

:func:`member_stream` gives the chunks of one entry through the same counting inflater, so a
reader (the secrecy check) can never be made to hold more than ``ZIP_MAX_ENTRY_BYTES``.

Limits come from settings (docs/files.md): ``ZIP_MAX_ENTRIES``, ``ZIP_MAX_ENTRY_BYTES``,
``ZIP_MAX_TOTAL_BYTES``, ``ZIP_MAX_RATIO``, ``ZIP_RATIO_FLOOR_BYTES``, ``ZIP_MAX_DEPTH``.
Every refusal is a :class:`ZipRefused` (HTTP 422) with a Vietnamese message naming the file.
"""

from __future__ import annotations

import io
import os
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings

from qlvb.core.errors import ValidationFailed

from .errors import ErrorCode

CHUNK = 256 * 1024
_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"
_LOCAL = b"PK\x03\x04"
_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}

Source = str | os.PathLike[str] | bytes | IO[bytes]


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int
    max_entry_bytes: int
    max_total_bytes: int
    max_ratio: int
    ratio_floor_bytes: int
    max_depth: int

    @classmethod
    def from_settings(cls) -> ZipLimits:
        mib = 1024 * 1024
        return cls(
            max_entries=int(getattr(settings, "ZIP_MAX_ENTRIES", 10_000)),
            max_entry_bytes=int(getattr(settings, "ZIP_MAX_ENTRY_BYTES", 256 * mib)),
            max_total_bytes=int(getattr(settings, "ZIP_MAX_TOTAL_BYTES", 512 * mib)),
            max_ratio=int(getattr(settings, "ZIP_MAX_RATIO", 150)),
            ratio_floor_bytes=int(getattr(settings, "ZIP_RATIO_FLOOR_BYTES", mib)),
            max_depth=int(getattr(settings, "ZIP_MAX_DEPTH", 1)),
        )


class ZipRefused(ValidationFailed):
    """The archive looks like a zip bomb or is unsafe to unpack (HTTP 422)."""

    def __init__(
        self, reason: str, *, name: str = "", code: str = ErrorCode.ZIP_BOMB, details: dict[str, Any] | None = None
    ):
        self.reason = reason
        self.file_name = name
        shown = f"Tệp “{name}”" if name else "Tệp"
        super().__init__(
            f"{shown} có dấu hiệu nén bất thường (zip bomb): {reason}. Hệ thống không giải nén tệp này. "
            "Hãy mở và lưu lại tệp bằng Word, Excel hoặc LibreOffice rồi tải lên lại.",
            code=code,
            details={"reason": reason, **(details or {})},
        )

    def named(self, name: str) -> ZipRefused:
        """The same refusal, naming the file (the guard itself often sees only a path)."""
        return ZipRefused(self.reason, name=name, code=self.code, details=self.details)


@dataclass
class ZipReport:
    entries: int = 0
    declared_bytes: int = 0
    produced_bytes: int = 0
    compressed_bytes: int = 0
    nested: list[str] = field(default_factory=list)


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):g} MiB"


@contextmanager
def _opened(source: Source) -> Iterator[IO[bytes]]:
    if isinstance(source, bytes | bytearray):
        yield io.BytesIO(source)
    elif isinstance(source, str | os.PathLike):
        with open(source, "rb") as fh:
            yield fh
    else:
        source.seek(0)
        yield source


def _directory_figures(fh: IO[bytes]) -> tuple[int, int]:
    """(entry count, directory size in bytes) from the end-of-central-directory record (zip64 too),
    found the way ``zipfile`` finds it, and read before ``zipfile`` parses the directory."""
    size = fh.seek(0, io.SEEK_END)
    tail_len = min(size, 22 + 65535)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    at = len(tail) - 22 if tail[-22:-18] == _EOCD and tail[-2:] == b"\x00\x00" else tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        raise ZipRefused("không tìm thấy mục lục của tệp nén (tệp hỏng)", code=ErrorCode.ZIP_BROKEN)
    count, directory = struct.unpack("<HI", tail[at + 10 : at + 16])
    if (count == 0xFFFF or directory == 0xFFFFFFFF) and at >= 20 and tail[at - 20 : at - 16] == _EOCD64_LOCATOR:
        offset = struct.unpack("<Q", tail[at - 12 : at - 4])[0]
        if offset < size - 56:
            fh.seek(offset)
            record = fh.read(56)
            if record[:4] == _EOCD64:
                count, directory = struct.unpack("<QQ", record[32:48])
    return int(count), int(directory)


# An entry of the central directory is 46 bytes plus its name, extra field and comment; Office and ODF
# names are short. A directory larger than this per allowed entry is an entry flood in disguise.
_DIRECTORY_BYTES_PER_ENTRY = 512


def _name_problem(name: str) -> str:
    if "\x00" in name:
        return "chứa ký tự NUL"
    if "\\" in name:
        return "dùng dấu gạch chéo ngược"
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "là đường dẫn tuyệt đối"
    if any(part == ".." for part in name.split("/")):
        return "chứa “..” (ra ngoài thư mục)"
    return ""


def zip_inspect(
    source: Source, *, name: str = "", limits: ZipLimits | None = None, _budget: ZipReport | None = None
) -> ZipReport:
    """Step 1: the central directory only. Raises :class:`ZipRefused`; returns the declared figures."""
    limits = limits or ZipLimits.from_settings()
    report = _budget or ZipReport()
    with _opened(source) as fh:
        archive_size = fh.seek(0, io.SEEK_END)
        count, directory = _directory_figures(fh)
        if report.entries + count > limits.max_entries:
            raise ZipRefused(
                f"có {count} mục, quá giới hạn {limits.max_entries} mục", name=name, details={"entries": count}
            )
        if directory > limits.max_entries * _DIRECTORY_BYTES_PER_ENTRY:
            raise ZipRefused(f"mục lục dài {directory} byte, quá giới hạn cho {limits.max_entries} mục", name=name)
        fh.seek(0)
        try:
            with zipfile.ZipFile(fh) as zf:
                infos = zf.infolist()
        except zipfile.BadZipFile:
            raise ZipRefused("mục lục của tệp nén bị hỏng", name=name, code=ErrorCode.ZIP_BROKEN) from None
        if len(infos) > limits.max_entries:
            raise ZipRefused(f"có {len(infos)} mục, quá giới hạn {limits.max_entries} mục", name=name)
        seen: set[str] = set()
        declared = 0
        for info in infos:
            _entry_check(info, seen, limits=limits, name=name)
            declared += info.file_size
            report.compressed_bytes += info.compress_size
        report.entries += len(infos)
        report.declared_bytes += declared
        if report.declared_bytes > limits.max_total_bytes:
            raise ZipRefused(
                f"toàn bộ nội dung khi giải nén là {_mib(report.declared_bytes)}, quá giới hạn "
                f"{_mib(limits.max_total_bytes)}",
                name=name,
            )
        if declared > limits.ratio_floor_bytes and declared > limits.max_ratio * max(archive_size, 1):
            raise ZipRefused(
                f"toàn bộ tệp nén {declared // max(archive_size, 1)} lần, quá tỷ lệ cho phép {limits.max_ratio} lần",
                name=name,
            )
    return report


def _entry_check(info: zipfile.ZipInfo, seen: set[str], *, limits: ZipLimits, name: str) -> None:
    """One entry of the central directory: a safe name, seen once, not encrypted, a known method, its
    declared size and ratio under the caps. Raises :class:`ZipRefused`; adds the name to ``seen``."""
    problem = _name_problem(info.filename)
    if problem:
        raise ZipRefused(f"tên mục “{info.filename[:80]}” {problem}", name=name, code=ErrorCode.ZIP_PATH)
    if info.filename in seen:
        raise ZipRefused(f"mục “{info.filename[:80]}” xuất hiện hai lần", name=name, code=ErrorCode.ZIP_PATH)
    seen.add(info.filename)
    if info.flag_bits & 0x1:
        raise ZipRefused(
            f"mục “{info.filename[:80]}” được mã hóa bằng mật khẩu", name=name, code=ErrorCode.ZIP_ENCRYPTED
        )
    if info.compress_type not in _METHODS:
        raise ZipRefused(
            f"mục “{info.filename[:80]}” dùng phương thức nén lạ ({info.compress_type})",
            name=name,
            code=ErrorCode.ZIP_METHOD,
        )
    if info.file_size > limits.max_entry_bytes:
        raise ZipRefused(
            f"mục “{info.filename[:80]}” khi giải nén là {_mib(info.file_size)}, quá giới hạn "
            f"{_mib(limits.max_entry_bytes)}",
            name=name,
        )
    if info.file_size > limits.ratio_floor_bytes and info.file_size > limits.max_ratio * max(info.compress_size, 1):
        raise ZipRefused(
            f"mục “{info.filename[:80]}” nén {info.file_size // max(info.compress_size, 1)} "
            f"lần, quá tỷ lệ cho phép {limits.max_ratio} lần",
            name=name,
        )


def _data_offset(fh: IO[bytes], info: zipfile.ZipInfo) -> int:
    fh.seek(info.header_offset)
    header = fh.read(30)
    if len(header) != 30 or header[:4] != _LOCAL:
        raise ZipRefused(f"phần đầu của mục “{info.filename[:80]}” bị hỏng", code=ErrorCode.ZIP_BROKEN)
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    return info.header_offset + 30 + name_len + extra_len


def _inflate(fh: IO[bytes], info: zipfile.ZipInfo, *, cap: int) -> Iterator[bytes]:
    """The bytes the entry really unpacks to, in chunks of at most ``CHUNK``; refuses past ``cap``
    or past its declared size, and when it ends short of the declared size or fails its CRC."""
    fh.seek(_data_offset(fh, info))
    raw = _compressed(fh, info)
    pieces = _deflated(raw, info) if info.compress_type == zipfile.ZIP_DEFLATED else raw
    produced = 0
    crc = 0
    limit = min(cap, info.file_size)
    for piece in pieces:
        produced += len(piece)
        if produced > limit:
            if produced > cap:
                raise ZipRefused(f"mục “{info.filename[:80]}” giải nén ra hơn {_mib(cap)}")
            raise ZipRefused(
                f"mục “{info.filename[:80]}” giải nén ra nhiều hơn kích thước khai báo ({info.file_size} byte)"
            )
        crc = zlib.crc32(piece, crc)
        yield piece
    if produced != info.file_size:
        raise ZipRefused(
            f"mục “{info.filename[:80]}” có kích thước thật ({produced} byte) khác kích thước khai "
            f"báo ({info.file_size} byte)",
            code=ErrorCode.ZIP_BROKEN,
        )
    if crc != info.CRC:
        raise ZipRefused(f"mục “{info.filename[:80]}” sai mã kiểm tra CRC", code=ErrorCode.ZIP_BROKEN)


def _compressed(fh: IO[bytes], info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The entry's stored bytes as they are in the archive, in chunks of at most ``CHUNK``."""
    remaining = info.compress_size
    while remaining > 0:
        raw = fh.read(min(CHUNK, remaining))
        if not raw:
            raise ZipRefused(f"mục “{info.filename[:80]}” bị cắt cụt", code=ErrorCode.ZIP_BROKEN)
        remaining -= len(raw)
        yield raw


def _deflated(raw: Iterator[bytes], info: zipfile.ZipInfo) -> Iterator[bytes]:
    """``raw`` inflated, at most ``CHUNK`` bytes per piece; reading stops at the end of the stream."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    for data in raw:
        while data:
            try:
                piece = inflater.decompress(data, CHUNK)
            except zlib.error:
                raise ZipRefused(
                    f"dữ liệu nén của mục “{info.filename[:80]}” bị hỏng", code=ErrorCode.ZIP_BROKEN
                ) from None
            if piece:
                yield piece
            data = inflater.unconsumed_tail
            if inflater.eof:
                break
        if inflater.eof:
            break
    while not inflater.eof and (piece := inflater.decompress(b"", CHUNK)):
        yield piece


def zip_check(source: Source, *, name: str = "", limits: ZipLimits | None = None) -> ZipReport:
    """Steps 1 and 2: the directory, then every entry inflated as a stream under the caps. Nothing is
    kept in memory beyond one chunk (a nested archive goes to a temporary file, bounded too)."""
    limits = limits or ZipLimits.from_settings()
    try:
        return _check(source, limits=limits, depth=0, report=ZipReport())
    except ZipRefused as refused:
        raise refused.named(name) if name else refused from None


def _check(source: Source, *, limits: ZipLimits, depth: int, report: ZipReport) -> ZipReport:
    zip_inspect(source, limits=limits, _budget=report)
    with _opened(source) as fh, zipfile.ZipFile(fh) as zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            spool = _entry_unpack(fh, info, limits=limits, depth=depth, report=report)
            if spool is None:
                continue
            with spool:
                report.nested.append(info.filename)
                try:
                    _check(spool, limits=limits, depth=depth + 1, report=report)
                except ZipRefused as inner:
                    if inner.code != ErrorCode.ZIP_BROKEN:  # an embedded object that merely looks like a zip
                        raise
    return report


def _entry_unpack(
    fh: IO[bytes], info: zipfile.ZipInfo, *, limits: ZipLimits, depth: int, report: ZipReport
) -> IO[bytes] | None:
    """Inflates one entry under the caps, counted in ``report``. An entry that is itself a zip is kept in
    a spooled temporary file and returned (the caller checks and closes it); otherwise ``None``."""
    head = b""
    spool: IO[bytes] | None = None
    try:
        for piece in _inflate(fh, info, cap=limits.max_entry_bytes):
            report.produced_bytes += len(piece)
            if report.produced_bytes > limits.max_total_bytes:
                raise ZipRefused(f"toàn bộ nội dung giải nén ra hơn {_mib(limits.max_total_bytes)}")
            if len(head) < 4:
                head += piece[: 4 - len(head)]
                if head == _LOCAL[: len(head)] and len(head) == 4:
                    if depth >= limits.max_depth:
                        raise ZipRefused(
                            f"mục “{info.filename[:80]}” là một tệp nén lồng quá {limits.max_depth} cấp",
                            code=ErrorCode.ZIP_NESTED,
                        )
                    spool = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # noqa: SIM115
            if spool is not None:
                spool.write(piece)
    except BaseException:
        if spool is not None:
            spool.close()
        raise
    return spool


def member_stream(source: Source, member: str, *, name: str = "", limits: ZipLimits | None = None) -> Iterator[bytes]:
    """The chunks of one entry (``KeyError`` if absent), after the directory check; refuses with
    :class:`ZipRefused` as soon as it unpacks past its declared size or ``ZIP_MAX_ENTRY_BYTES``."""
    limits = limits or ZipLimits.from_settings()
    try:
        zip_inspect(source, limits=limits)
        with _opened(source) as fh, zipfile.ZipFile(fh) as zf:
            info = zf.getinfo(member)
            yield from _inflate(fh, info, cap=limits.max_entry_bytes)
    except ZipRefused as refused:
        raise refused.named(name) if name else refused from None


def member_read(source: Source, member: str, *, name: str = "", max_bytes: int) -> bytes:
    """A small entry whole (``[Content_Types].xml``, ``mimetype``): refused past ``max_bytes``."""
    out = bytearray()
    for piece in member_stream(source, member, name=name):
        out += piece
        if len(out) > max_bytes:
            raise ZipRefused(f"mục “{member}” lớn hơn {max_bytes} byte", name=name)
    return bytes(out)


def is_zip(path: str | Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(4) == _LOCAL
