"""The recipient's refusal of a document delivered internally (edXML 02).

How the exchange carries deliveries is in ``deliveries.py`` (sending), ``recall.py`` (recall) and
``statuses.py`` (the statuses that come back); the sender records them through ``documents.sending``.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from qlvb.core.errors import Conflict, NotFound, ValidationFailed
from qlvb.core.permissions import require
from qlvb.documents.events import event_record
from qlvb.documents.models import Document, DocumentStatus

from .models import Delivery


def _delivery_of(incoming: Document) -> Delivery:
    delivery = Delivery.objects.select_related("document").filter(incoming_document=incoming).first()
    if delivery is None:
        raise NotFound()
    return delivery


@transaction.atomic
def delivery_reject(*, actor: Any, incoming: Document, reason: str) -> Delivery:
    """The recipient's clerk refuses a document delivered internally, before registering it (NĐ 30
    Điều 21.2.b; edXML status 02). Records the incoming flow's ``rejected`` event on the copy — the same
    event the incoming flow's own refusal records —, which the event consumer turns into status 02 at the
    sender once this transaction commits."""
    require(actor, "incoming.receive", unit=incoming.agency)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Cần ghi lý do từ chối tiếp nhận.")
    incoming = Document.objects.select_for_update().get(pk=incoming.pk)
    if incoming.status != DocumentStatus.RECEIVED:
        raise Conflict("Chỉ từ chối được văn bản chưa vào sổ.")
    delivery = _delivery_of(incoming)
    incoming.status = DocumentStatus.REJECTED
    incoming.save(update_fields=["status"])
    event_record(incoming, actor=actor, action="rejected", text=reason, data={"edxml_status": "02"})
    return delivery
