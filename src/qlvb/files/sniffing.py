"""Decide a file's type by its content (magic bytes and structure), never by its name.

The seed (Điều 8.3) allows text documents (txt, rtf, doc, docx, odt, pdf), spreadsheets (csv, xls,
xlsx, ods) and images (jpg, png, tif). Everything else is refused, however it is named: a Windows
program (``MZ``), an ELF binary, HTML or a script, a ZIP that is not an Office/ODF document, an OLE2
file that is neither Word nor Excel (an ``.msi``, an Outlook ``.msg``, a PowerPoint).

:func:`sniff` reads the file that intake has already written to a temporary place; a
:class:`TextProbe` fed with every chunk while streaming tells whether the whole file is text (so a
text file is never re-read).
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import olefile
from PIL import Image

from .errors import ErrorCode
from .zipguard import ZipRefused, member_read, zip_check

HEAD_BYTES = 64 * 1024
_ZIP_MEMBER_MAX = 1024 * 1024  # we read [Content_Types].xml / mimetype only, and at most this much


@dataclass(frozen=True)
class FileType:
    ext: str  # canonical extension, without the dot
    mime: str
    label: str  # Vietnamese, for messages
    aliases: frozenset[str] = frozenset()

    def accepts_extension(self, ext: str) -> bool:
        ext = ext.lower()
        return ext == self.ext or ext in self.aliases


def _t(ext: str, mime: str, label: str, *aliases: str) -> FileType:
    return FileType(ext, mime, label, frozenset(aliases))


TXT = _t("txt", "text/plain", "văn bản thuần (txt)", "text")
CSV = _t("csv", "text/csv", "bảng tính CSV")
RTF = _t("rtf", "application/rtf", "văn bản RTF")
DOC = _t("doc", "application/msword", "văn bản Word 97-2003 (doc)")
XLS = _t("xls", "application/vnd.ms-excel", "bảng tính Excel 97-2003 (xls)")
DOCX = _t("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "văn bản Word (docx)")
XLSX = _t("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "bảng tính Excel (xlsx)")
ODT = _t("odt", "application/vnd.oasis.opendocument.text", "văn bản ODF (odt)")
ODS = _t("ods", "application/vnd.oasis.opendocument.spreadsheet", "bảng tính ODF (ods)")
PDF = _t("pdf", "application/pdf", "văn bản PDF")
JPG = _t("jpg", "image/jpeg", "ảnh JPEG", "jpeg", "jpe")
PNG = _t("png", "image/png", "ảnh PNG")
TIF = _t("tif", "image/tiff", "ảnh TIFF", "tiff")

ALLOWED: tuple[FileType, ...] = (TXT, RTF, DOC, DOCX, ODT, PDF, CSV, XLS, XLSX, ODS, JPG, PNG, TIF)
BY_EXT: dict[str, FileType] = {t.ext: t for t in ALLOWED}

ALLOWED_TEXT = "văn bản: txt, rtf, doc, docx, odt, pdf; bảng tính: csv, xls, xlsx, ods; ảnh: jpg, png, tif"

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_TIFF_MAGICS = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")
_JPEG_MAGIC = b"\xff\xd8\xff"

_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": ("word/", DOCX),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": ("xl/", XLSX),
}
_ODF_MIME = {ODT.mime: ODT, ODS.mime: ODS}

# Control bytes that never occur in a text document (TAB, LF, VT, FF, CR and SUB/EOF are allowed).
_BAD_CONTROL = frozenset(set(range(0x00, 0x09)) | set(range(0x0E, 0x1A)) | set(range(0x1B, 0x20)) | {0x7F})
# Text that a browser or a shell would run: refused even though it is "text".
_ACTIVE_TEXT_MARKERS = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<body",
    b"<script",
    b"<iframe",
    b"<svg",
    b"<?xml",
    b"<?php",
    b"<%@",
    b"<object",
    b"<embed",
)


class TextProbe:
    """Fed with every chunk of the upload: is the whole content text, and is it valid UTF-8?

    Costs nothing once a chunk shows binary content (the usual case for PDF, Office and images).
    """

    def __init__(self) -> None:
        self.is_text = True
        self.is_utf8 = True
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._bad = bytes(sorted(_BAD_CONTROL))

    def feed(self, chunk: bytes) -> None:
        if not self.is_text:
            return
        if chunk.translate(None, self._bad) != chunk:  # any forbidden control byte (NUL first of all)
            self.is_text = False
            return
        if self.is_utf8:
            try:
                self._decoder.decode(chunk)
            except UnicodeDecodeError:
                self.is_utf8 = False  # legacy 8-bit text (TCVN3, VNI, cp1258) is still text

    def close(self) -> None:
        if self.is_text and self.is_utf8:
            try:
                self._decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                self.is_utf8 = False


@dataclass(frozen=True)
class Sniffed:
    """The result: the type decided by content, plus the types an offered extension may also claim
    (a delimited text is a CSV but may stay a ``.txt``)."""

    type: FileType
    also: tuple[FileType, ...] = ()

    def for_extension(self, ext: str) -> FileType:
        for candidate in (self.type, *self.also):
            if candidate.accepts_extension(ext):
                return candidate
        return self.type


class ContentRefusedError(Exception):
    """The content is not one of the allowed types; ``what`` describes it in Vietnamese."""

    def __init__(self, what: str):
        super().__init__(what)
        self.what = what


def sniff(path: Path, *, probe: TextProbe | None = None) -> Sniffed:
    """Return the type of the file at ``path`` or raise :class:`ContentRefusedError`."""
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
        size = fh.seek(0, io.SEEK_END)
        fh.seek(max(0, size - 8192))
        tail = fh.read()
    if probe is None:
        probe = TextProbe()
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1024 * 1024), b""):
                probe.feed(chunk)
        probe.close()

    program = _program_kind(head)
    if program:
        raise ContentRefusedError(program)
    if head.startswith(b"%PDF-"):
        return Sniffed(_pdf(head, tail))
    if head.startswith(_OLE_MAGIC):
        return Sniffed(_ole(path))
    if head.startswith(_ZIP_MAGIC):
        return Sniffed(_zip(path))
    if head.startswith(_PNG_MAGIC):
        return Sniffed(_image(path, "PNG", PNG))
    if head.startswith(_JPEG_MAGIC):
        return Sniffed(_image(path, "JPEG", JPG))
    if head.startswith(_TIFF_MAGICS):
        return Sniffed(_image(path, "TIFF", TIF))
    if head.lstrip(b"\xef\xbb\xbf").startswith(b"{\\rtf"):
        return Sniffed(RTF)
    if probe.is_text:
        return _text(head, utf8=probe.is_utf8)
    raise ContentRefusedError("không phải loại tệp được phép")


def _program_kind(head: bytes) -> str:
    if head.startswith(b"MZ"):
        return "tệp chương trình chạy được của Windows (exe/dll)"
    if head.startswith(b"\x7fELF"):
        return "tệp chương trình chạy được (ELF)"
    if head[:4] in (
        b"\xfe\xed\xfa\xce",
        b"\xfe\xed\xfa\xcf",
        b"\xce\xfa\xed\xfe",
        b"\xcf\xfa\xed\xfe",
        b"\xca\xfe\xba\xbe",
    ):
        return "tệp chương trình chạy được (Mach-O/Java)"
    if head.startswith(b"#!"):
        return "tập lệnh (script)"
    return ""


def _pdf(head: bytes, tail: bytes) -> FileType:
    version = head[5:8]
    if len(version) < 3 or not (version[:1].isdigit() and version[1:2] == b"." and version[2:3].isdigit()):
        raise ContentRefusedError("tệp PDF có phần đầu không hợp lệ")
    if b"%%EOF" not in tail:
        raise ContentRefusedError("tệp PDF không đầy đủ (thiếu phần kết thúc %%EOF)")
    return PDF


def _ole(path: Path) -> FileType:
    try:
        with olefile.OleFileIO(str(path)) as ole:
            if ole.exists("WordDocument"):
                fib = ole.openstream("WordDocument").read(2)
                if fib in (b"\xec\xa5", b"\xdc\xa5"):  # wIdent of Word 97+ / Word 6-95
                    return DOC
                raise ContentRefusedError("tệp Word 97-2003 hỏng (thiếu khối FIB)")
            for name in ("Workbook", "Book"):
                if ole.exists(name):
                    bof = ole.openstream(name).read(2)
                    if bof in (b"\x09\x08", b"\x09\x04", b"\x09\x02", b"\x09\x00"):  # BIFF BOF record
                        return XLS
                    raise ContentRefusedError("tệp Excel 97-2003 hỏng (thiếu bản ghi BOF)")
    except ContentRefusedError:
        raise
    except Exception as exc:  # olefile raises OSError and others on a broken compound file
        raise ContentRefusedError("tệp OLE2 hỏng") from exc
    raise ContentRefusedError("tệp OLE2 không phải văn bản Word hay bảng tính Excel")


def _zip(path: Path) -> FileType:
    # The guard first (zipguard.py): directory, names, ratios, then every entry inflated under a cap.
    # A refusal (ZipRefused, a DomainError) goes straight up to intake; a merely broken archive is
    # refused as before, as content that is not an allowed type.
    try:
        zip_check(path)
    except ZipRefused as refused:
        if refused.code in (ErrorCode.ZIP_BROKEN, ErrorCode.ZIP_METHOD):
            raise ContentRefusedError(f"tệp nén ZIP hỏng ({refused.reason})") from None
        raise
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if not infos:
                raise ContentRefusedError("tệp nén ZIP rỗng")
            first = infos[0]
            if first.filename == "mimetype" and first.file_size <= 200:
                mime = member_read(path, "mimetype", max_bytes=200).decode("ascii", "replace").strip()
                if mime in _ODF_MIME:
                    return _ODF_MIME[mime]
                raise ContentRefusedError(f"tài liệu ODF loại {mime[:80]} không được phép")
            names = {i.filename for i in infos}
            if "[Content_Types].xml" in names:
                types = member_read(path, "[Content_Types].xml", max_bytes=_ZIP_MEMBER_MAX)
                for main, (folder, ftype) in _OOXML_MAIN.items():
                    if main.encode() in types and any(n.startswith(folder) for n in names):
                        return ftype
                raise ContentRefusedError("tệp Office loại khác (có macro, mẫu, trình chiếu...) không được phép")
    except (ContentRefusedError, ZipRefused):
        raise
    except Exception as exc:
        raise ContentRefusedError("tệp nén ZIP hỏng") from exc
    raise ContentRefusedError("tệp nén ZIP không phải văn bản Office/ODF")


def _image(path: Path, pil_format: str, ftype: FileType) -> FileType:
    try:
        with Image.open(path) as img:  # reads the header only; the pixels are never decoded here
            if img.format != pil_format:
                raise ContentRefusedError(f"ảnh {ftype.ext} hỏng")
    except ContentRefusedError:
        raise
    except Image.DecompressionBombError:
        return ftype  # very large but well-formed: we never decode it during intake
    except Exception as exc:
        raise ContentRefusedError(f"ảnh {ftype.ext} hỏng") from exc
    return ftype


def _text(head: bytes, *, utf8: bool) -> Sniffed:
    lowered = head.lower()
    stripped = lowered.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<") or any(marker in lowered for marker in _ACTIVE_TEXT_MARKERS):
        raise ContentRefusedError("trang web, XML hoặc mã lệnh (HTML/script)")
    text = head.decode("utf-8" if utf8 else "latin-1", errors="ignore")
    if _is_delimited(text):
        return Sniffed(CSV, also=(TXT,))
    return Sniffed(TXT)


def _is_delimited(text: str) -> bool:
    """A CSV: at least two lines and one delimiter that splits every sampled line into the same
    number (≥ 2) of fields."""
    lines = [line for line in text.splitlines()[:51] if line.strip()]
    if len(text) >= HEAD_BYTES - 4 and lines:
        lines = lines[:-1]  # the last line of a truncated head may be cut short
    if len(lines) < 2:
        return False
    for delimiter in (",", ";", "\t", "|"):
        try:
            rows = list(csv.reader(lines, delimiter=delimiter))
        except csv.Error:
            continue
        widths = {len(row) for row in rows}
        if len(widths) == 1 and widths.pop() >= 2:
            return True
    return False
