"""Document events → the national axis (an event consumer named in ``settings.QLVB_EVENT_CONSUMERS``,
run by ``documents.events`` through Celery after the acting transaction commits).

- On a document **received over the axis**, the clerk's and the handlers' steps answer the sender with
  status packages queued through the outbox: registered → 03, rejected → 02 (with the reason),
  directed / routed / assigned → 04, progress / opinions → 05, completed → 06 (each code once).
- On one of **our issued documents**, ``revoked`` / ``replaced`` / ``updated`` send the recall to every
  outside recipient still waiting for it (``Delivery.recall_pending``): a revocation package
  (BussinessDocType 1) — a recipient that also receives the replacing document gets the replacement
  (BussinessDocType 3, queued with that document's own deliveries) and no separate revocation.
"""

from __future__ import annotations

from django.utils import timezone

from qlvb.documents.events import EVENTS, consumer
from qlvb.documents.models import Channel, Direction, DocumentEvent

from .models import Delivery, StatusChange, Transport
from .outbox import axis_deliveries_queue, axis_status_queue
from .queue_models import InboxItem, InboxState

# Recipient's events → the status code answered to the sender over the axis.
EVENT_CODES = {
    "registered": "03",
    "rejected": "02",
    "directed": "04",
    "routed": "04",
    "self_handled": "04",
    "assigned": "04",
    "progress": "05",
    "opinion": "05",
    "assignment_done": "05",
    "completed": "06",
}
RECALL_EVENTS = ("revoked", "replaced", "updated")


def _wants(event: DocumentEvent) -> bool:
    document = event.document
    if document.direction == Direction.INCOMING:
        return document.channel == Channel.AXIS and event.action in EVENT_CODES
    return document.direction == Direction.OUTGOING and event.action in RECALL_EVENTS


@consumer(wants=_wants)
def consume(event: DocumentEvent) -> None:
    if event.document.direction == Direction.INCOMING:
        status_answer(event)
    else:
        recall_send(event)


def status_answer(event: DocumentEvent) -> None:
    code = EVENT_CODES.get(event.action)
    item = InboxItem.objects.filter(document_id=event.document_id, state=InboxState.REGISTERED).first()
    if code is None or item is None:
        return
    text = event.text or EVENTS.get(event.action, event.action)  # in Vietnamese, whatever the page's language
    axis_status_queue(item, code=code, description=text[:900], staff=event.actor_name)


def recall_send(event: DocumentEvent) -> None:
    pending = list(
        Delivery.objects.select_related("document__agency", "document__doc_type").filter(
            document_id=event.document_id, transport=Transport.AXIS, recall_pending=True
        )
    )
    by = (event.data or {}).get("by")
    covered: set[str] = set()
    if event.action in ("replaced", "updated") and by:
        covered = set(
            Delivery.objects.filter(document_id=by, transport=Transport.AXIS).values_list("organ_id", flat=True)
        )
    now = timezone.now()
    revoke = []
    for delivery in pending:
        if delivery.organ_id in covered:
            delivery.recall_pending = False
            delivery.save(update_fields=["recall_pending"])
            StatusChange.objects.create(
                delivery=delivery,
                status=delivery.status,
                created_at=now,
                text="Thay thế, cập nhật: gửi cùng văn bản mới qua trục liên thông",
            )
        else:
            revoke.append(delivery)
    axis_deliveries_queue(revoke, reason=event.text[:500])
