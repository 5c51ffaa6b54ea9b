"""HTTP guard for upload endpoints: Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` does not count files,
so without this a 60 MB POST would be written whole to a temporary file before any check.

:func:`guard_upload` wraps an upload view: it refuses at once (413) a request whose
``Content-Length`` already exceeds the limit, without reading the body, and installs
:class:`LimitedUploadHandler`, which counts the bytes of each file as they arrive and stops the
upload (``StopUpload``, temporary file removed) the moment one passes ``settings.FILE_MAX_BYTES`` —
this covers a request without a Content-Length, or one that lies about it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.http import HttpRequest, HttpResponseBase, JsonResponse

from .intake import size_mb

# Multipart framing (boundaries, part headers, small form fields) on top of the file itself.
MULTIPART_MARGIN = 1024 * 1024
TOO_LARGE_FLAG = "_qlvb_upload_too_large"


def too_large_detail() -> str:
    return (
        f"Tệp tải lên vượt quá dung lượng cho phép {size_mb(settings.FILE_MAX_BYTES)} mỗi tệp "
        "(Điều 8.4 Quy chế). Hãy giảm dung lượng hoặc chia nhỏ tệp."
    )


class LimitedUploadHandler(TemporaryFileUploadHandler):
    """Streams each file to a temporary file (never to memory) and aborts over the limit."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        self._received = 0
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self._received += len(raw_data)
        if self._received > settings.FILE_MAX_BYTES:
            if self.request is not None:
                setattr(self.request, TOO_LARGE_FLAG, True)
            raise StopUpload(connection_reset=True)  # the parser closes (and so deletes) our temp file
        return super().receive_data_chunk(raw_data, start)


def upload_too_large(request: HttpRequest) -> bool:
    return bool(getattr(request, TOO_LARGE_FLAG, False))


def guard_upload(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Decorator for views (and, through ``ninja.decorators.decorate_view``, API operations) that
    receive uploads. Must run before anything reads ``request.POST``/``request.FILES``."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.FILE_MAX_BYTES + MULTIPART_MARGIN:
            response = JsonResponse({"detail": too_large_detail(), "code": "file_too_large"}, status=413)
            response["Connection"] = "close"  # the body was not read
            return response
        request.upload_handlers = [LimitedUploadHandler(request)]
        return view(request, *args, **kwargs)

    return wrapper
