"""Drafts to PDF (the PDF is what gets signed) through the one LibreOffice conversion of
``qlvb.files.convert``, and the secrecy check of a draft's text."""

from __future__ import annotations

import zipfile

from qlvb.files.convert import ConversionFailed, to_pdf, xlsx_to_pdf

__all__ = ["ConversionFailed", "secrecy_mark", "to_pdf", "xlsx_to_pdf"]


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
