"""Conversion to PDF with LibreOffice headless: a draft (docx, odt, doc, rtf) — the PDF is what gets
signed — and the outgoing flow's own workbooks (xlsx: the consultation summary, the Sổ đăng ký văn bản
đi), printed with the page setup they carry. One function, :func:`to_pdf`, for both. Each conversion runs
in its own temporary folder with a private LibreOffice profile (``-env:UserInstallation``), so
conversions in parallel never share a profile lock."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from qlvb.core.errors import ValidationFailed

TIMEOUT_SECONDS = int(os.environ.get("QLVB_CONVERT_TIMEOUT", "120"))
CONVERTIBLE = ("docx", "odt", "doc", "rtf", "txt")
SPREADSHEETS = ("xlsx", "ods")


class ConversionFailed(ValidationFailed):
    pass


def soffice() -> str:
    found = os.environ.get("QLVB_SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise ConversionFailed(
            "Máy chủ chưa cài LibreOffice nên không chuyển được dự thảo sang PDF "
            "(apt-get install libreoffice-writer-nogui).", code="no_libreoffice")
    return found


def to_pdf(data: bytes, *, ext: str, name: str = "du-thao") -> bytes:
    """The PDF of a draft. Raises :class:`ConversionFailed` (422) when LibreOffice cannot read it."""
    if ext == "pdf":
        return data
    if ext not in CONVERTIBLE + SPREADSHEETS:
        raise ConversionFailed(f"Không chuyển được tệp “{name}” sang PDF: dự thảo phải là docx, odt, doc hoặc rtf.",
                               code="not_convertible")
    export = "calc_pdf_Export" if ext in SPREADSHEETS else "writer_pdf_Export"
    with tempfile.TemporaryDirectory(prefix="qlvb-convert-") as tmp:
        folder = Path(tmp)
        source = folder / f"draft.{ext}"
        source.write_bytes(data)
        profile = (folder / "profile").as_uri()
        try:
            subprocess.run(  # noqa: S603 (fixed program and arguments, no shell)
                [soffice(), f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nolockcheck",
                 "--convert-to", f"pdf:{export}", "--outdir", str(folder / "out"), str(source)],
                check=False, capture_output=True, timeout=TIMEOUT_SECONDS, cwd=tmp,
                env={**os.environ, "HOME": tmp},
            )
        except subprocess.TimeoutExpired:
            raise ConversionFailed(f"Chuyển tệp “{name}” sang PDF quá {TIMEOUT_SECONDS} giây; hãy kiểm tra tệp.",
                                   code="convert_timeout") from None
        result = folder / "out" / "draft.pdf"
        if not result.exists() or result.stat().st_size == 0 or not result.read_bytes().startswith(b"%PDF-"):
            raise ConversionFailed(
                f"LibreOffice không đọc được tệp “{name}” nên không chuyển được sang PDF. Hãy mở và lưu lại tệp "
                "bằng Word hoặc LibreOffice (định dạng docx hoặc odt) rồi tải lên lại.", code="unreadable_draft")
        return result.read_bytes()


def xlsx_to_pdf(data: bytes, *, name: str = "bang.xlsx") -> bytes:
    """A workbook printed to PDF with its own page setup (A4, orientation, fit to width, repeated rows)."""
    return to_pdf(data, ext="xlsx", name=name)


SECRECY_MARKS = ("TUYỆT MẬT", "TỐI MẬT", "MẬT")


def secrecy_mark(data: bytes, *, ext: str) -> str:
    """The secrecy stamp text ("MẬT", "TỐI MẬT", "TUYỆT MẬT") if a paragraph of a docx/odt is exactly one."""
    import io
    import re
    import unicodedata

    member = {"docx": "word/document.xml", "odt": "content.xml"}.get(ext)
    if member is None:
        return ""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read(member).decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError):
        return ""
    splitter = r"</w:p>" if ext == "docx" else r"</text:(?:p|h)>"
    for paragraph in re.split(splitter, xml):
        text = unicodedata.normalize("NFC", re.sub(r"<[^>]+>", "", paragraph)).strip().upper()
        if text in SECRECY_MARKS:
            return text
    return ""
