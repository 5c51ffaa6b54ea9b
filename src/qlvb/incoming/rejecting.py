"""Refusing a received document (từ chối tiếp nhận, NĐ 30 Điều 21; edXML status 02): the one service,
whatever channel brought the document. Beside receiving, since it is the clerk's answer to a receipt.

The sender learns of it through the document's ``rejected`` event: for a copy delivered inside this
deployment, the exchange's event consumer (``exchange.consumers``) turns it into status 02 on the sender's
delivery once this transaction commits, with the reason; for the national axis, an edXML status package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from qlvb.core.errors import ValidationFailed
from qlvb.core.text import nfc
from qlvb.documents.events import event_record
from qlvb.documents.models import Document, DocumentStatus

from .preconditions import check_reject

if TYPE_CHECKING:
    from qlvb.directory.models import User

# The longest reason kept (the document's history holds it whole; a delivery's status line shows 500).
REASON_MAX = 2000


@transaction.atomic
def incoming_reject(*, actor: User, document: Document, reason: str) -> Document:
    """The receiving agency's clerk refuses a received document with a reason (an invalid signature, a
    wrong recipient, a file that cannot be read…), until it is submitted to a leader
    (:func:`~.preconditions.check_reject`). Records the ``rejected`` event (edXML 02 for the sender)."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    check_reject(actor, document)
    reason = nfc(reason or "")
    if not reason:
        raise ValidationFailed("Cần ghi lý do từ chối tiếp nhận.", details={"field": "reason"})
    if len(reason) > REASON_MAX:
        raise ValidationFailed(f"Lý do dài quá {REASON_MAX} ký tự.", details={"field": "reason"})
    document.status = DocumentStatus.REJECTED
    document.save(update_fields=["status"])
    event_record(
        document,
        actor=actor,
        action="rejected",
        text=reason,
        data={"edxml_status": "02", "arrival_number": document.arrival_number},
    )
    return document
