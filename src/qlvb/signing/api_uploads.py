"""Uploads of the signing API (``multipart/form-data``): the request body as OpenAPI describes it, and
the uploaded file read from the request (a missing or too large file is a 4xx in Vietnamese)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from qlvb.core.errors import ValidationFailed
from qlvb.files.intake import too_large
from qlvb.files.uploads import upload_too_large
from qlvb.signing.errors import ErrorCode


def multipart_body(extra: dict[str, Any] | None = None, required: tuple[str, ...] = ("file",)) -> dict[str, Any]:
    props: dict[str, Any] = {"file": {"type": "string", "format": "binary"}, **(extra or {})}
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {"schema": {"type": "object", "required": list(required), "properties": props}}
            },
        }
    }


def uploaded_file(request: HttpRequest) -> Any:
    uploaded = request.FILES.get("file")
    if uploaded is None:
        if upload_too_large(request):
            raise too_large("")
        raise ValidationFailed(
            "Chưa có tệp: gửi tệp trong trường “file” (multipart/form-data).", code=ErrorCode.FILE_MISSING
        )
    return uploaded
