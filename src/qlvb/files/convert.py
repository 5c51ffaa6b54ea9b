"""Office files → PDF with LibreOffice headless: one function for every app (the outgoing draft that
gets signed, the printed registers and slips, the consultation summary).

Each conversion runs in its own temporary folder with a private LibreOffice profile
(``-env:UserInstallation``), so conversions in parallel never share a profile lock. A workbook prints
with the page setup it carries (A4, orientation, fit to width, repeated header rows).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from qlvb.core.errors import DomainError, ValidationFailed

TIMEOUT_SECONDS = int(os.environ.get("QLVB_CONVERT_TIMEOUT", "120"))
TEXT_DOCUMENTS = ("docx", "odt", "doc", "rtf", "txt")
SPREADSHEETS = ("xlsx", "ods", "xls")


class ConverterMissing(DomainError):  # noqa: N818 (named like core.errors)
    """The server has no LibreOffice (HTTP 503: the deployment's fault, not the user's)."""

    status_code = 503


class ConversionFailed(ValidationFailed):
    """LibreOffice could not read the file, or took too long (HTTP 422)."""


def soffice() -> str:
    found = os.environ.get("QLVB_SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise ConverterMissing(
            "Máy chủ chưa cài LibreOffice nên không tạo được bản PDF "
            "(apt-get install libreoffice-writer-nogui libreoffice-calc-nogui).", code="no_libreoffice")
    return found


def to_pdf(data: bytes, *, ext: str, name: str = "tep") -> bytes:
    """The PDF of a text document or a workbook. A PDF is returned as it is."""
    ext = ext.lower().lstrip(".")
    if ext == "pdf":
        return data
    if ext not in TEXT_DOCUMENTS + SPREADSHEETS:
        raise ConversionFailed(f"Không chuyển được tệp “{name}” sang PDF: chỉ nhận docx, odt, doc, rtf, txt, "
                               "xlsx, ods, xls.", code="not_convertible")
    export = "calc_pdf_Export" if ext in SPREADSHEETS else "writer_pdf_Export"
    with tempfile.TemporaryDirectory(prefix="qlvb-convert-") as tmp:
        folder = Path(tmp)
        source = folder / f"source.{ext}"
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
        result = folder / "out" / "source.pdf"
        if not result.exists() or result.stat().st_size == 0 or not result.read_bytes().startswith(b"%PDF-"):
            raise ConversionFailed(
                f"LibreOffice không đọc được tệp “{name}” nên không chuyển được sang PDF. Hãy mở và lưu lại tệp "
                "bằng Word hoặc LibreOffice (định dạng docx hoặc odt) rồi tải lên lại.", code="unreadable")
        return result.read_bytes()


def xlsx_to_pdf(data: bytes, *, name: str = "bang.xlsx") -> bytes:
    """A workbook printed to PDF with its own page setup."""
    return to_pdf(data, ext="xlsx", name=name)
