"""Reading stored files: every read checks the checksum, every download is audited."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from django.db.models import QuerySet

from qlvb.core import audit
from qlvb.core.errors import NotFound

from . import policies
from .disposition import content_disposition
from .errors import ErrorCode
from .models import StoredFile
from .storage import BlobCorruptedError, FileDisposedError, download_url, open_verified

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qlvb.directory.models import User


@dataclass
class OpenedFile:
    stored_file: StoredFile
    handle: BinaryIO  # verified content, positioned at 0; the caller closes it (FileResponse does)
    url: str | None = None  # set instead (handle then empty): a short-lived presigned URL of the object store

    @property
    def name(self) -> str:
        return self.stored_file.name

    @property
    def content_type(self) -> str:
        return self.stored_file.blob.content_type

    @property
    def size(self) -> int:
        return self.stored_file.blob.size


def stored_file_get(*, actor: User, file_id: int) -> StoredFile:
    """The stored file if ``actor`` may read its content (uploader, or someone who may open a document
    holding it); else :class:`NotFound` (an outsider cannot tell whether the file exists). An
    administrator of the uploader's unit is not let in by that alone: he sees metadata, not content."""
    stored = StoredFile.objects.select_related("blob", "uploaded_by__unit").filter(pk=file_id).first()
    if stored is None or not policies.may_read_content(actor, stored):
        raise NotFound()
    return stored


def file_open(
    *, actor: User | AnonymousUser, stored_file: StoredFile, authorised: bool = False, purpose: str = "download"
) -> OpenedFile:
    """Open ``stored_file`` for ``actor`` after checking its SHA-256; records ``file.downloaded``. A file
    destroyed by a disposal raises :class:`FileDisposedError` (410) with the record that destroyed it.

    ``authorised=True`` is for apps that decided access themselves (a document's attachment is
    readable by whoever may see the document: its selector checks that). Otherwise
    ``policies.may_read_content`` decides; anyone else gets :class:`NotFound`.
    """
    if not authorised and not policies.may_read_content(actor, stored_file):
        raise NotFound()
    if stored_file.disposed_note:
        raise FileDisposedError(stored_file.disposed_note, code=ErrorCode.FILE_DISPOSED)
    blob = stored_file.blob
    url = download_url(
        blob.sha256,
        name=stored_file.name,
        content_type=blob.content_type,
        disposition=content_disposition(stored_file.name),
    )
    try:
        handle = io.BytesIO() if url else open_verified(blob.sha256, size=blob.size, name=stored_file.name)
    except BlobCorruptedError as exc:
        audit.record(
            "file.corrupted", actor=actor, obj=stored_file, data={"sha256": blob.sha256, "reason": exc.message}
        )
        raise
    audit.record(
        "file.downloaded",
        actor=actor,
        obj=stored_file,
        data={"name": stored_file.name, "sha256": blob.sha256, "size": blob.size, "purpose": purpose},
    )
    return OpenedFile(stored_file=stored_file, handle=handle, url=url)


def file_download(*, actor: User, file_id: int) -> OpenedFile:
    """Download by id (web ``/tep/<id>/`` and ``GET /api/v1/files/{id}``): see ``stored_file_get``."""
    stored = stored_file_get(actor=actor, file_id=file_id)
    return file_open(actor=actor, stored_file=stored, authorised=True)


def files_uploaded_by(*, actor: User) -> QuerySet[StoredFile]:
    return StoredFile.objects.filter(uploaded_by=actor).select_related("blob")
