"""Files of an incoming document. The caller takes every file in through the foundation's
``files.intake.file_intake`` first (the one place that enforces the seed's file rules, outside any
transaction), then attaches the resulting ``StoredFile``s here, in the document's transaction."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from qlvb.core.errors import Conflict, ValidationFailed
from qlvb.directory.models import User
from qlvb.documents.events import event_record
from qlvb.documents.models import Attachment, AttachmentKind, Document
from qlvb.documents.searchindex import document_text_index_after_commit
from qlvb.files.kept import kept_upload_find
from qlvb.files.models import StoredFile
from qlvb.files.pdfinfo import pdf_page_count

from .preconditions import check_files
from .verification import verification_schedule


@dataclass
class IncomingFile:
    stored_file: StoredFile
    kind: str = AttachmentKind.MAIN


def attachments_add(
    *, actor: User | None, document: Document, files: list[IncomingFile], checked: bool = False
) -> list[Attachment]:
    """Attach taken-in files. ``checked``: the caller (a service of this app) already checked the right."""
    if not checked:
        raise ValidationFailed("Chỉ đính kèm được qua dịch vụ của luồng văn bản đến.")
    last = document.attachments.aggregate(m=Max("ordinal"))["m"] or 0
    has_main = document.attachments.filter(kind=AttachmentKind.MAIN, superseded_at__isnull=True).exists()
    created = []
    for offset, f in enumerate(files, start=1):
        if f.kind not in (AttachmentKind.MAIN, AttachmentKind.APPENDIX):
            raise ValidationFailed("Tệp của văn bản đến là tệp văn bản hoặc phụ lục.")
        if f.kind == AttachmentKind.MAIN:
            if has_main:
                raise ValidationFailed("Văn bản chỉ có một tệp văn bản chính; các tệp khác là phụ lục.")
            has_main = True
        attachment = Attachment.objects.create(
            document=document,
            stored_file=f.stored_file,
            kind=f.kind,
            ordinal=last + offset,
            name=f.stored_file.name,
            page_count=pdf_page_count(f.stored_file),
            added_by=actor,
            added_at=timezone.now(),
        )
        created.append(attachment)
        event_record(
            document,
            actor=actor,
            action="file_attached",
            text=f"{attachment.get_kind_display()}: {attachment.name}",
            data={"attachment": attachment.pk, "sha256": f.stored_file.blob.sha256},
        )
    verification_schedule(created)
    document_text_index_after_commit(document.pk)
    main = next((a for a in created if a.kind == AttachmentKind.MAIN), None)
    if main is not None and document.page_amount is None and main.page_count:
        document.page_amount = main.page_count  # capped at Phụ lục VI's 999 by pdf_page_count
        document.save(update_fields=["page_amount"])
    return created


# --- An upload kept across a confirmation -----------------------------------------------------------------------


def kept_upload_get(*, actor: User, file_id: int) -> StoredFile:
    """A file the clerk took in on an earlier submission of the same form (the duplicate warning asked her to
    confirm): the one rule of ``files.kept``, with "not used yet" meaning attached to no document."""
    stored = kept_upload_find(actor=actor, file_id=file_id, used=Attachment.objects.values("stored_file_id"))
    if stored is None:
        raise ValidationFailed(
            "Tệp đã chọn trước đó không còn dùng được (quá 2 giờ, đã đính kèm văn bản khác hoặc "
            "không phải tệp bạn tải lên): hãy chọn lại tệp.",
            details={"field": "main_file"},
        )
    return stored


# --- Files after registration --------------------------------------------------------------------------------------


def _open_for_files(actor: User, document: Document) -> Document:
    document = Document.objects.select_for_update().get(pk=document.pk)
    check_files(actor, document)
    return document


@transaction.atomic
def incoming_files_add(*, actor: User, document: Document, files: list[IncomingFile]) -> list[Attachment]:
    """The clerk adds files to a document already received (a missing main file, an appendix that came later)."""
    document = _open_for_files(actor, document)
    if not files:
        raise ValidationFailed("Cần chọn tệp.", details={"field": "file"})
    return attachments_add(actor=actor, document=document, files=files, checked=True)


@transaction.atomic
def incoming_file_replace(
    *, actor: User, document: Document, attachment: Attachment, stored_file: StoredFile
) -> Attachment:
    """A new version of a file: the old one stays (superseded, still downloadable), the new one takes its place
    with the next version number; the history records both (names and SHA-256)."""
    document = _open_for_files(actor, document)
    old = Attachment.objects.select_for_update().filter(pk=attachment.pk, document=document).first()
    if old is None:
        raise ValidationFailed("Tệp không thuộc văn bản này.")
    if old.superseded_at is not None:
        raise Conflict("Tệp này đã được thay bằng một phiên bản mới hơn.")
    now = timezone.now()
    old.superseded_at = now
    old.save(update_fields=["superseded_at"])
    new = Attachment.objects.create(
        document=document,
        stored_file=stored_file,
        kind=old.kind,
        ordinal=old.ordinal,
        version=old.version + 1,
        replaces=old,
        name=stored_file.name,
        page_count=pdf_page_count(stored_file),
        added_by=actor,
        added_at=now,
    )
    document_text_index_after_commit(document.pk)
    event_record(
        document,
        actor=actor,
        action="file_replaced",
        text=f"{new.get_kind_display()}: {old.name} (phiên bản {old.version}) → {new.name} (phiên bản {new.version})",
        data={
            "attachment": new.pk,
            "replaces": old.pk,
            "version": new.version,
            "sha256": stored_file.blob.sha256,
            "old_sha256": old.stored_file.blob.sha256,
        },
    )
    verification_schedule([new])
    return new
