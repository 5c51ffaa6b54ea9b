"""Files of an incoming document. The caller takes every file in through the foundation's
``files.intake.file_intake`` first (the one place that enforces the seed's file rules, outside any
transaction), then attaches the resulting ``StoredFile``s here, in the document's transaction."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.db.models import Max
from django.utils import timezone
from pypdf import PdfReader

from qlvb.core.errors import ValidationFailed
from qlvb.documents.events import event_record
from qlvb.documents.models import Attachment, AttachmentKind, Document
from qlvb.files.models import StoredFile
from qlvb.files.storage import open_verified

from .verification import verification_schedule

log = logging.getLogger(__name__)


@dataclass
class IncomingFile:
    stored_file: StoredFile
    kind: str = AttachmentKind.MAIN


def pdf_page_count(stored_file: StoredFile) -> int | None:
    """Pages of a PDF (Phụ lục VI field 10, auto-filled); None for another type or an unreadable PDF."""
    if stored_file.blob.kind != "pdf":
        return None
    try:
        with open_verified(stored_file.blob.sha256, size=stored_file.blob.size, name=stored_file.name) as handle:
            return len(PdfReader(handle).pages)
    except Exception:  # a damaged PDF is still kept; the clerk enters the page count
        log.warning("cannot count pages of %s", stored_file.blob.sha256, exc_info=True)
        return None


def attachments_add(*, actor: Any, document: Document, files: list[IncomingFile],
                    checked: bool = False) -> list[Attachment]:
    """Attach taken-in files. ``checked``: the caller (a service of this app) already checked the right."""
    if not checked:
        raise ValidationFailed("Chỉ đính kèm được qua dịch vụ của luồng văn bản đến.")
    last = document.attachments.aggregate(m=Max("ordinal"))["m"] or 0
    has_main = document.attachments.filter(kind=AttachmentKind.MAIN).exists()
    created = []
    for offset, f in enumerate(files, start=1):
        if f.kind not in (AttachmentKind.MAIN, AttachmentKind.APPENDIX):
            raise ValidationFailed("Tệp của văn bản đến là tệp văn bản hoặc phụ lục.")
        if f.kind == AttachmentKind.MAIN:
            if has_main:
                raise ValidationFailed("Văn bản chỉ có một tệp văn bản chính; các tệp khác là phụ lục.")
            has_main = True
        attachment = Attachment.objects.create(
            document=document, stored_file=f.stored_file, kind=f.kind, ordinal=last + offset,
            name=f.stored_file.name, page_count=pdf_page_count(f.stored_file), added_by=actor,
            added_at=timezone.now(),
        )
        created.append(attachment)
        event_record(document, actor=actor, action="file_attached",
                     text=f"{attachment.get_kind_display()}: {attachment.name}",
                     data={"attachment": attachment.pk, "sha256": f.stored_file.blob.sha256})
    verification_schedule(created)
    main = next((a for a in created if a.kind == AttachmentKind.MAIN), None)
    if main is not None and document.page_amount is None and main.page_count:
        document.page_amount = min(main.page_count, 999)
        document.save(update_fields=["page_amount"])
    return created
