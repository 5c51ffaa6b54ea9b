"""Drafts to PDF (the PDF is what gets signed) through the one LibreOffice conversion of
``qlvb.files.convert``, and the secrecy check of a draft's text."""

from __future__ import annotations

import codecs
import re
import unicodedata
import zipfile

from qlvb.files.convert import ConversionFailed, to_pdf, xlsx_to_pdf
from qlvb.files.zipguard import Source, ZipRefused, member_stream

__all__ = ["ConversionFailed", "secrecy_mark", "to_pdf", "xlsx_to_pdf"]


SECRECY_MARKS = ("TUYỆT MẬT", "TỐI MẬT", "MẬT")
# A paragraph whose XML is longer than this is body text, never a lone secrecy stamp: its text is not
# kept (the scan holds at most this much, however large the document).
PARAGRAPH_MAX_CHARS = 64 * 1024
_TAG = re.compile(r"<[^>]+>")


def _is_mark(paragraph_xml: str) -> str:
    text = unicodedata.normalize("NFC", _TAG.sub("", paragraph_xml)).strip().upper()
    return text if text in SECRECY_MARKS else ""


def secrecy_mark(data: Source, *, ext: str, name: str = "") -> str:
    """The secrecy stamp text ("MẬT", "TỐI MẬT", "TUYỆT MẬT") if a paragraph of a docx/odt is exactly one.

    The XML is streamed through the zip guard (``qlvb.files.zipguard``): it is never held whole, and
    an entry that unpacks past its declared size or the guard's cap is refused (``ZipRefused``)."""
    member = {"docx": "word/document.xml", "odt": "content.xml"}.get(ext)
    if member is None:
        return ""
    splitter = re.compile(r"</w:p>" if ext == "docx" else r"</text:(?:p|h)>")
    opener = re.compile(r"<w:p[ >]" if ext == "docx" else r"<text:(?:p|h)[ >]")
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    pending = ""
    skipping = False  # inside an over-long paragraph: drop text until its end
    try:
        for chunk in member_stream(data, member, name=name):
            pending += decoder.decode(chunk)
            parts = splitter.split(pending)
            pending = parts.pop()
            for paragraph in parts:
                if skipping:
                    skipping = False
                    continue
                if mark := _is_mark(paragraph):
                    return mark
            if len(pending) > PARAGRAPH_MAX_CHARS:
                # what lies before the open paragraph (blanks, other elements) is not needed
                start = None if skipping else max((m.start() for m in opener.finditer(pending)), default=None)
                if start is None and not skipping:  # no paragraph open: keep what may begin one
                    pending = pending[-16:]
                elif start is not None and len(pending) - start <= PARAGRAPH_MAX_CHARS:
                    pending = pending[start:]
                else:  # an over-long paragraph: keep what may begin its closing tag, skip the rest
                    pending, skipping = pending[-16:], True
        pending += decoder.decode(b"", final=True)
    except (zipfile.BadZipFile, KeyError):
        return ""
    except ZipRefused as refused:
        if refused.code == "zip_broken":  # LibreOffice will say it cannot read the file
            return ""
        raise
    return "" if skipping else _is_mark(pending)
