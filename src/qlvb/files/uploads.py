"""HTTP guard for every upload: Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` does not count files, so
without this a 300 MB POST to any form would be written whole to a temporary file before the form
refused it.

- :class:`LimitedUploadHandler` is the only upload handler (``settings.FILE_UPLOAD_HANDLERS``): it
  streams each file to a temporary file in ``FILE_UPLOAD_TEMP_DIR`` (never to memory) and stops the
  upload (``StopUpload``; the parser closes, and so deletes, the temporary file) the moment one file
  passes ``FILE_MAX_BYTES`` or the files of the request together pass ``FILE_UPLOAD_REQUEST_MAX_BYTES``.
- :class:`UploadLimitMiddleware` answers such a request 413 with a Vietnamese page (JSON under
  ``/api/``) before any view runs — at once, without reading the body, when ``Content-Length``
  already says too much; otherwise (pages) as soon as the handler has stopped the upload. API
  operations parse the body themselves, through the same handler, and record the refusal.
- :func:`guard_upload` (API operations, the signing pages) keeps its stricter one-file pre-check.
- :func:`upload_temp_sweep` removes temporary files a killed worker left behind (older than
  ``FILE_UPLOAD_TEMP_MAX_AGE_MINUTES``): at start-up and every 15 minutes (Celery beat).
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme

from .errors import ErrorCode
from .intake import size_mb

log = logging.getLogger(__name__)

# Multipart framing (boundaries, part headers, small form fields) on top of the files themselves.
MULTIPART_MARGIN = 1024 * 1024
TOO_LARGE_FLAG = "_qlvb_upload_too_large"


def request_max_bytes() -> int:
    return int(getattr(settings, "FILE_UPLOAD_REQUEST_MAX_BYTES", 4 * settings.FILE_MAX_BYTES))


def too_large_detail() -> str:
    return (
        f"Tệp tải lên vượt quá dung lượng cho phép {size_mb(settings.FILE_MAX_BYTES)} mỗi tệp "
        f"(Điều 8.4 Quy chế), hoặc tổng các tệp vượt quá {size_mb(request_max_bytes())} mỗi lần gửi. "
        "Hãy giảm dung lượng hoặc chia nhỏ tệp."
    )


def upload_temp_dir() -> Path | None:
    folder = getattr(settings, "FILE_UPLOAD_TEMP_DIR", None)
    if not folder:
        return None
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


class LimitedUploadHandler(TemporaryFileUploadHandler):
    """Streams each file to a temporary file (never to memory) and aborts over either limit."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self._received = 0
        self._request_received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        self._received = 0
        upload_temp_dir()  # the folder may have been removed since start-up
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self._received += len(raw_data)
        self._request_received += len(raw_data)
        if self._received > settings.FILE_MAX_BYTES or self._request_received > request_max_bytes():
            if self.request is not None:
                setattr(self.request, TOO_LARGE_FLAG, True)
            raise StopUpload(connection_reset=True)  # the parser closes (and so deletes) our temp file
        return super().receive_data_chunk(raw_data, start)


def upload_too_large(request: HttpRequest) -> bool:
    return bool(getattr(request, TOO_LARGE_FLAG, False))


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def too_large_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": too_large_detail(), "code": ErrorCode.FILE_TOO_LARGE}, status=413
        )
    else:
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = ""
        html = render_to_string(
            "files/upload_too_large.html", {"detail": too_large_detail(), "back": back}, request=request
        )
        response = HttpResponse(html, status=413)
    # No "Connection: close": a WSGI application may not set hop-by-hop headers (PEP 3333; Django's
    # own server refuses them). The server discards what is left of the body without storing it.
    return response


class UploadLimitMiddleware:
    """Refuses over-limit multipart requests with 413 before the view (and before CSRF reads the form)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponseBase | None:
        if request.method not in ("POST", "PUT", "PATCH"):
            return None
        if not request.META.get("CONTENT_TYPE", "").startswith("multipart/"):
            return None
        if _content_length(request) > request_max_bytes() + MULTIPART_MARGIN:
            return too_large_response(request)
        if request.path.startswith("/api/"):
            return None  # API operations parse (through the same handler) and audit the refusal themselves
        try:
            request.FILES  # noqa: B018 (parse now, through LimitedUploadHandler)
        except Exception:  # a malformed body: the view (or CSRF) reports it as it always did
            return None
        if upload_too_large(request):
            return too_large_response(request)
        return None


def guard_upload(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Decorator for views (and, through ``ninja.decorators.decorate_view``, API operations) that
    receive one file: refuses at once a ``Content-Length`` over one file's limit."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if _content_length(request) > settings.FILE_MAX_BYTES + MULTIPART_MARGIN:
            return too_large_response(request)
        if not hasattr(request, "_files"):  # not parsed yet (no middleware did): install the handler
            request.upload_handlers = [LimitedUploadHandler(request)]
        return view(request, *args, **kwargs)

    return wrapper


def upload_temp_sweep(*, older_than_minutes: int | None = None) -> int:
    """Remove the upload temporary files older than the limit (a worker killed mid-upload leaves its
    file); returns how many were removed."""
    folder = upload_temp_dir()
    if folder is None:
        return 0
    minutes = older_than_minutes if older_than_minutes is not None else settings.FILE_UPLOAD_TEMP_MAX_AGE_MINUTES
    cutoff = time.time() - minutes * 60
    removed = 0
    for path in folder.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except OSError:  # gone meanwhile, or not ours to remove
            continue
    if removed:
        log.info("removed %d stale upload temporary files from %s", removed, folder)
    return removed
