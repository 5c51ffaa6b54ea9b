"""XLSX → PDF with LibreOffice Calc headless, for the printed registers and the Phiếu giải quyết. Each
conversion runs in its own temporary folder with a private LibreOffice profile
(``-env:UserInstallation``), so conversions in parallel never share a profile lock. The page setup
(A4, orientation, fit to width, repeated header rows) is the workbook's own."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from qlvb.core.errors import DomainError

TIMEOUT_SECONDS = int(os.environ.get("QLVB_CONVERT_TIMEOUT", "120"))


class PdfUnavailable(DomainError):  # noqa: N818 (named like core.errors)
    status_code = 503


def _soffice() -> str:
    found = os.environ.get("QLVB_SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise PdfUnavailable("Máy chủ chưa cài LibreOffice nên không in được bản PDF; hãy dùng bản XLSX "
                             "(apt-get install libreoffice-calc-nogui).", code="no_libreoffice")
    return found


def xlsx_to_pdf(data: bytes) -> bytes:
    with tempfile.TemporaryDirectory(prefix="qlvb-xlsx-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / "so.xlsx"
        source.write_bytes(data)
        profile = (folder / "profile").as_uri()
        try:
            subprocess.run(  # noqa: S603 (fixed program and arguments, no shell)
                [_soffice(), f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nolockcheck",
                 "--convert-to", "pdf:calc_pdf_Export", "--outdir", str(folder / "out"), str(source)],
                check=False, capture_output=True, timeout=TIMEOUT_SECONDS, cwd=tmp, env={**os.environ, "HOME": tmp},
            )
        except subprocess.TimeoutExpired:
            raise PdfUnavailable(f"Tạo bản PDF quá {TIMEOUT_SECONDS} giây; hãy thử lại hoặc dùng bản XLSX.",
                                 code="convert_timeout") from None
        result = folder / "out" / "so.pdf"
        if not result.exists() or not result.read_bytes().startswith(b"%PDF-"):
            raise PdfUnavailable("LibreOffice không tạo được bản PDF; hãy dùng bản XLSX.", code="convert_failed")
        return result.read_bytes()
