"""``GET /api/v1/files/{id}/fields``: the Phụ lục VI fields read from the text of a stored file (số, ký
hiệu, ngày ban hành, cơ quan ban hành, loại văn bản, trích yếu, người ký, độ khẩn), as suggestions for
registering it (``documents/filefields.py``). Mounted beside the files router (``/files``)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from qlvb.core.bounds import Id
from qlvb.directory.selectors import acting_user
from qlvb.documents.filefields import file_fields

router = Router(tags=["files"])


class ReadFieldsOut(Schema):
    code_number: str = ""
    code_notation: str = ""
    issued_date: dt.date | None = None
    place: str = ""
    organ_name: str = ""
    doc_type: str = ""
    doc_type_id: int | None = None
    subject: str = ""
    signer_position: str = ""
    signer_name: str = ""
    urgency: int | None = None
    recipients: list[str] = []  # the "Nơi nhận" lines


class FileFieldsOut(Schema):
    file_id: int
    state: str
    reason: str
    fields: ReadFieldsOut | None


@router.get(
    "/{int:file_id}/fields",
    response=FileFieldsOut,
    summary="Các trường đọc từ nội dung tệp (gợi ý khi vào sổ; state=pending: chưa đọc xong, hỏi lại sau)",
)
def fields(request: HttpRequest, file_id: Id) -> FileFieldsOut:
    found = file_fields(actor=acting_user(request), file_id=file_id)
    read = None
    if found.fields is not None:
        read = ReadFieldsOut.model_validate({**found.fields.found(), "doc_type_id": found.doc_type_id})
    return FileFieldsOut(file_id=found.file_id, state=found.state, reason=found.reason, fields=read)
