"""Lấy lại (edXML status 13): the issuing agency's clerk takes an issued document back from one recipient,
with a reason — an outside agency through the national axis, or an agency of this deployment whose clerk
has not registered its copy yet.

The outgoing flow only records the request (``documents.sending.delivery_take_back_record``) and its
``take_back_requested`` event; the exchange carries it after the commit (consumes the event): it withdraws
an internal copy at once (15), or sends the status 13 through the axis outbox and waits for the
recipient's 15 (taken back) or 16 (refused: registered)."""

from __future__ import annotations

from django.db import transaction

from qlvb.core import audit
from qlvb.core.errors import ValidationFailed
from qlvb.core.locks import row_locked
from qlvb.core.text import text_clean
from qlvb.directory.models import User
from qlvb.documents.deliveries import Delivery
from qlvb.documents.events import event_record
from qlvb.documents.sending import delivery_take_back_record

from .models import Outgoing
from .preconditions import outgoing_take_back_check


@transaction.atomic
def outgoing_take_back(*, actor: User, outgoing: Outgoing, delivery_id: int, reason: str) -> Delivery:
    """Ask one recipient's copy back (the row's "Lấy lại" button): the precondition shared with the page,
    under the delivery's row lock (a second click, or the recipient registering meanwhile, is refused)."""
    outgoing = row_locked(outgoing, related=("document",))
    delivery = (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("incoming_document")
        .filter(pk=delivery_id, document_id=outgoing.document_id)
        .first()
    )
    if delivery is None:
        raise ValidationFailed("Nơi nhận không thuộc văn bản này.", details={"field": "delivery"})
    outgoing_take_back_check(actor, outgoing, delivery)
    reason = text_clean(reason, limit=500, label="lý do lấy lại", required=True)
    delivery_take_back_record(delivery=delivery, reason=reason)
    document = outgoing.document
    event_record(
        document,
        actor=actor,
        action="take_back_requested",
        text=f"Lấy lại văn bản từ {delivery.organ_name}: {reason}"[:2000],
        data={"delivery": delivery.pk, "reason": reason, "organ_id": delivery.organ_id},
    )
    audit.record("outgoing.take_back", actor=actor, obj=document, data={"delivery": delivery.pk, "reason": reason})
    return delivery
