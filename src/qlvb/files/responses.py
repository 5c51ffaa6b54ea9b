"""The streamed HTTP response of a verified file, shared by the web view and the API."""

from __future__ import annotations

from django.http import FileResponse

from .services import OpenedFile


def file_response(opened: OpenedFile) -> FileResponse:
    # The safe name is ASCII only (seed Điều 8.4), so Content-Disposition needs no RFC 5987 encoding.
    response = FileResponse(opened.handle, as_attachment=True, filename=opened.name,
                            content_type=opened.content_type)
    response["Content-Length"] = str(opened.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
