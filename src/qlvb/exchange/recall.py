"""Carrying out a recall (thu hồi, NĐ 30 Điều 18.4; or the recall that a replacement implies), after the
sender's transaction has committed.

The outgoing flow records the recall on its deliveries (``documents.sending.deliveries_recall_record``:
``recalled_at``, the business type, ``recall_pending``) with its ``revoked`` / ``replaced`` event;
``consumers.py`` hands that event to :func:`recall_carry`. Internal copies are withdrawn from use (status
``withdrawn``, a ``recalled`` event on the copy, the recipient's clerks told). Outside recipients keep
``recall_pending`` for the axis: ``axis_statuses.recall_send`` sends the revocation with its reason, or
lets a replacement carry it.
"""

from __future__ import annotations

from django.utils import timezone

from qlvb.assignments.notify import notify_after_commit
from qlvb.directory import people
from qlvb.documents.events import event_record
from qlvb.documents.models import Document, DocumentEvent, DocumentStatus

from .models import BusinessType, Delivery, StatusChange, Transport


def recall_carry(event: DocumentEvent) -> list[Delivery]:
    """Withdraw the internal copies of the event's document whose recall is pending (the outside ones are
    ``axis_statuses``' own). Idempotent: a withdrawn delivery is no longer pending. Returns the deliveries
    withdrawn here."""
    document = event.document
    reason = str(event.data.get("reason") or event.text)
    now = timezone.now()
    done = []
    pending = Delivery.objects.select_for_update(of=("self",)).select_related("incoming_document", "unit")
    for delivery in pending.filter(document=document, recall_pending=True, transport=Transport.INTERNAL):
        label = BusinessType(delivery.business_type).label
        copy = delivery.incoming_document
        if copy is not None and delivery.unit is not None:
            copy = Document.objects.select_for_update().get(pk=copy.pk)
            copy.status = DocumentStatus.WITHDRAWN
            copy.save(update_fields=["status"])
            event_record(
                copy,
                actor=event.actor,
                action="recalled",
                text=f"{label}: {reason}",
                data={"business_type": delivery.business_type, "from_document": document.pk},
            )
            notify_after_commit(
                users=people.clerks_of(delivery.unit),
                kind="returned",
                document_id=copy.pk,
                text=f"Văn bản {document.number_notation} bị thu hồi: {reason}"[:500],
            )
            how = "đã thu hồi bản nhận"
        else:  # recalled before its copy arrived: nothing to withdraw
            how = "chưa chuyển tới nơi nhận, không cần thu hồi"
        delivery.recall_pending = False
        delivery.save(update_fields=["recall_pending"])
        StatusChange.objects.create(
            delivery=delivery, status=delivery.status, created_at=now, text=f"{label}: {how}. {reason}"[:500]
        )
        done.append(delivery)
    return done
