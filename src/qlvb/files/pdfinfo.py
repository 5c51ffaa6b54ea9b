"""What a stored PDF says about itself that the documents record: its number of pages."""

from __future__ import annotations

import logging

from pypdf import PdfReader

from .models import StoredFile
from .storage import open_verified

log = logging.getLogger(__name__)

# The one cap on a page count: Phụ lục VI field 10 ("Số trang") holds at most three digits, and the
# count of a document's main file fills that field (``documents.models.MAX["page_amount"]``, checked by
# a database constraint). An attachment's own count and the document's are therefore the same number.
PDF_PAGE_COUNT_MAX = 999


def pdf_page_count(stored_file: StoredFile) -> int | None:
    """Pages of a stored PDF, at most ``PDF_PAGE_COUNT_MAX``; None for another type of file or a PDF
    that cannot be read (the file is still kept; a person enters the count)."""
    if stored_file.blob.kind != "pdf":
        return None
    try:
        with open_verified(stored_file.blob.sha256, size=stored_file.blob.size, name=stored_file.name) as handle:
            count = len(PdfReader(handle).pages)
    except Exception:  # a damaged PDF is still kept; a page count is a convenience
        log.warning("cannot count pages of %s", stored_file.blob.sha256, exc_info=True)
        return None
    if not isinstance(count, int) or count < 1:
        return None
    return min(count, PDF_PAGE_COUNT_MAX)
