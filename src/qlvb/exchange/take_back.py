"""Carrying out a take-back ("lấy lại", edXML status 13) after the sender's transaction has committed.

The outgoing flow records the request on one delivery (``documents.sending.delivery_take_back_record``:
``take_back = 13``) with its ``take_back_requested`` event; ``consumers.py`` hands that event to
:func:`take_back_carry`. A copy in this deployment is answered at once, as a recipient system would: not
yet registered → withdrawn (15, the recipient's clerks told); registered meanwhile → kept (16). An outside
recipient gets a status 13 package through the outbox (signed, retried); its 15 or 16 comes back through
the inbox (``inbox_statuses.status_apply``).
"""

from __future__ import annotations

from django.utils import timezone

from qlvb.assignments.notify import notify_after_commit
from qlvb.directory import people
from qlvb.documents.events import event_record
from qlvb.documents.models import Document, DocumentEvent, DocumentStatus

from .models import Delivery, StatusChange, Transport
from .outbox import axis_take_back_queue

TAKEN_TEXT = "Đã lấy lại văn bản"
REFUSED_TEXT = "Bên nhận từ chối lấy lại: văn bản đã vào sổ"


def take_back_carry(event: DocumentEvent) -> Delivery | None:
    """The ``take_back_requested`` event of one of our issued documents. Idempotent: a delivery whose
    take-back was answered, or whose 13 is already queued, is left alone."""
    delivery_id = (event.data or {}).get("delivery")
    if not isinstance(delivery_id, int):
        return None
    delivery = (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("document__agency", "unit")
        .filter(pk=delivery_id, document_id=event.document_id)
        .first()
    )
    if delivery is None or delivery.take_back != "13":
        return None
    reason = str((event.data or {}).get("reason") or event.text)
    if delivery.transport == Transport.AXIS:
        axis_take_back_queue(delivery, reason=reason)
        return delivery
    if delivery.transport == Transport.INTERNAL:
        _internal(delivery, event=event, reason=reason)
        return delivery
    return None


def _internal(delivery: Delivery, *, event: DocumentEvent, reason: str) -> None:
    """What a recipient system answers, for a copy in this deployment: withdrawn while not registered (15),
    kept once registered (16)."""
    document = delivery.document
    copy = delivery.incoming_document
    if copy is not None:
        copy = Document.objects.select_for_update().get(pk=copy.pk)
    if copy is not None and copy.status == DocumentStatus.RECEIVED:
        copy.status = DocumentStatus.WITHDRAWN
        copy.save(update_fields=["status"])
        event_record(
            copy,
            actor=event.actor,
            action="recalled",
            text=f"Cơ quan gửi lấy lại văn bản: {reason}"[:2000],
            data={"take_back": True, "from_document": document.pk},
        )
        if delivery.unit is not None:
            notify_after_commit(
                users=people.clerks_of(delivery.unit),
                kind="returned",
                document_id=copy.pk,
                text=f"{document.agency.name} lấy lại văn bản {document.number_notation}: {reason}"[:500],
            )
        code, text = "15", TAKEN_TEXT
    else:
        code, text = "16", REFUSED_TEXT
    delivery.take_back = code
    delivery.save(update_fields=["take_back"])
    StatusChange.objects.create(delivery=delivery, status=code, created_at=timezone.now(), text=text)
