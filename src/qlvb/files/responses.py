"""The streamed HTTP response of a verified file, shared by every download view and the API.

Every stored file is served as a download (``Content-Disposition: attachment``, RFC 6266 with
``filename*``), never ``inline``: a PDF carrying JavaScript (``/OpenAction /JS``) is not opened by the
browser on our origin. ``Content-Security-Policy: sandbox`` keeps any content that a browser would
render anyway in a unique origin without scripts; ``nosniff`` stops it from being guessed as HTML.
"""

from __future__ import annotations

from urllib.parse import quote

from django.http import FileResponse

from .services import OpenedFile

FILE_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def content_disposition(name: str) -> str:
    """``attachment; filename="<ASCII>"; filename*=UTF-8''<percent-encoded>`` (RFC 6266 §4.3)."""
    ascii_name = name.encode("ascii", "ignore").decode("ascii").replace("\\", "_").replace('"', "_") or "tep"
    ascii_name = "".join(c if c.isprintable() else "_" for c in ascii_name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def file_response(opened: OpenedFile) -> FileResponse:
    response = FileResponse(opened.handle, content_type=opened.content_type)
    response["Content-Disposition"] = content_disposition(opened.name)
    response["Content-Length"] = str(opened.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cache-Control"] = "private, no-store"
    return response
