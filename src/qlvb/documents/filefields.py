"""The fields of a stored file read from its text, for whoever may read the file (issue 12): the selector
behind ``GET /api/v1/files/{id}/fields`` and the "Điền từ nội dung tệp" button of the receive form. The
text may not be read yet (OCR runs in the background): the state says so and the caller asks again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from qlvb.files.models import FileText, TextState
from qlvb.files.services import stored_file_get

from .fieldread import ReadFields, fields_read
from .models import DocumentType

if TYPE_CHECKING:
    from qlvb.directory.models import User


@dataclass(frozen=True)
class FileFields:
    file_id: int
    state: str  # files.TextState: pending, done, failed
    reason: str = ""  # why the text could not be read (Vietnamese)
    fields: ReadFields | None = None  # when the text is read
    doc_type_id: int | None = None  # the active DocumentType named by ``fields.doc_type``


def file_fields(*, actor: User, file_id: int) -> FileFields:
    """The fields read from the text of the stored file ``file_id``; :class:`NotFound` for a file ``actor``
    may not read (``files.services.stored_file_get``: the uploader, or whoever may open a document holding it)."""
    stored = stored_file_get(actor=actor, file_id=file_id)
    text = FileText.objects.filter(stored_file=stored).values_list("state", "reason", "text").first()
    if text is None:
        return FileFields(stored.pk, TextState.PENDING)
    state, reason, body = text
    if state != TextState.DONE:
        return FileFields(stored.pk, state, reason)
    read = fields_read(body)
    doc_type_id = None
    if read.doc_type:
        doc_type_id = (
            DocumentType.objects.filter(name=read.doc_type, is_active=True).values_list("pk", flat=True).first()
        )
    return FileFields(stored.pk, state, reason, read, doc_type_id)
