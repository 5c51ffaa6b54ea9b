"""The streamed HTTP response of a verified file, shared by every download view and the API.

Every stored file is served as a download (``Content-Disposition: attachment``, RFC 6266 with
``filename*``), never ``inline``: a PDF carrying JavaScript (``/OpenAction /JS``) is not opened by the
browser on our origin. ``Content-Security-Policy: sandbox`` keeps any content that a browser would
render anyway in a unique origin without scripts; ``nosniff`` stops it from being guessed as HTML.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse

from .disposition import content_disposition
from .services import OpenedFile
from .storage import FileDisposedError

FILE_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def file_response(opened: OpenedFile) -> FileResponse:
    """The verified content streamed; with presigned downloads from the object store, a redirect to the
    short-lived URL (``FileResponse`` is kept as the type the views declare; the redirect carries no body)."""
    if opened.url:
        return _redirect(opened.url)
    response = FileResponse(opened.handle, content_type=opened.content_type)
    response["Content-Disposition"] = content_disposition(opened.name)
    response["Content-Length"] = str(opened.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cache-Control"] = "private, no-store"
    return response


def _redirect(url: str) -> FileResponse:
    response = FileResponse(io.BytesIO(), status=302, content_type="text/plain; charset=utf-8")
    response["Location"] = url
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def disposed_response(exc: FileDisposedError) -> HttpResponse:
    """The page's answer for a file destroyed by a disposal: 410 Gone with the record that destroyed it."""
    return HttpResponse(exc.message, status=410, content_type="text/plain; charset=utf-8")


def gone_when_disposed(view: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a download page: a file destroyed by a disposal answers :func:`disposed_response` (the API
    answers 410 through its handler of domain errors)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return view(request, *args, **kwargs)
        except FileDisposedError as exc:
            return disposed_response(exc)

    return wrapped
