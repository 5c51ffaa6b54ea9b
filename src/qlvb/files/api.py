"""``POST /api/v1/files`` (multipart upload) and ``GET /api/v1/files/{id}`` (download)."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import Router, Schema, Status
from ninja.decorators import decorate_view

from qlvb.core import audit
from qlvb.core.bounds import Id
from qlvb.core.errors import ValidationFailed
from qlvb.directory.selectors import acting_user

from .errors import ErrorCode
from .intake import file_intake, too_large
from .models import Channel, StoredFile
from .responses import file_response
from .services import file_download
from .uploads import guard_upload, upload_too_large

router = Router(tags=["files"])

_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            }
        },
    }
}


class StoredFileOut(Schema):
    id: int
    name: str
    original_name: str
    sha256: str
    size: int
    content_type: str


def _out(stored: StoredFile) -> dict[str, Any]:
    return {
        "id": stored.pk,
        "name": stored.name,
        "original_name": stored.original_name,
        "sha256": stored.blob.sha256,
        "size": stored.blob.size,
        "content_type": stored.blob.content_type,
    }


@router.post(
    "", response={201: StoredFileOut}, summary="Tải một tệp lên (multipart, trường `file`)", openapi_extra=_UPLOAD_BODY
)
@decorate_view(guard_upload)
def upload(request: HttpRequest) -> Status:
    # The body is parsed here, after guard_upload installed the size-limited upload handler.
    uploaded = request.FILES.get("file")
    if uploaded is None:
        if upload_too_large(request):
            exc = too_large("")
            audit.record(
                "file.refused",
                actor=acting_user(request),
                obj=("files.storedfile", "", ""),
                data={
                    "channel": Channel.API,
                    "code": exc.code,
                    "status": exc.status_code,
                    "reason": "stopped while receiving",
                },
            )
            raise exc
        raise ValidationFailed(
            "Chưa có tệp: gửi tệp trong trường “file” (multipart/form-data).", code=ErrorCode.FILE_MISSING
        )
    try:
        stored = file_intake(
            actor=acting_user(request),
            stream=uploaded,
            original_name=uploaded.name or "",
            channel=Channel.API,
            declared_size=uploaded.size,
        )
    finally:
        uploaded.close()
    return Status(201, _out(stored))


@router.get("/{int:file_id}", summary="Tải tệp xuống (người tải lên, quản trị)", response={200: None})
def download(request: HttpRequest, file_id: Id) -> FileResponse:
    opened = file_download(actor=acting_user(request), file_id=file_id)
    return file_response(opened)
