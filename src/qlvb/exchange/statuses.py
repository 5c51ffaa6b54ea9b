"""The statuses of a delivery (edXML 01..06, 02): one function that moves a delivery and writes its history,
and the recipient's document events that move the sender's delivery forward (applied by ``consumers.py``
after the recipient's transaction commits, as a status package would arrive from another system)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from qlvb.documents.events import event_record
from qlvb.documents.models import DocumentEvent

from .models import RANK, Delivery, Status, StatusChange


def status_change(
    delivery: Delivery,
    status: str,
    *,
    text: str = "",
    staff: str = "",
    at: dt.datetime | None = None,
    event: DocumentEvent | None = None,
) -> None:
    """Move the delivery to ``status``, append the change to its history and record it on the sent
    document (``delivery_status_record``)."""
    now = at or timezone.now()
    delivery.status = status
    delivery.status_at = now
    delivery.save(update_fields=["status", "status_at"])
    StatusChange.objects.create(
        delivery=delivery, status=status, text=text[:500], staff=staff[:150], created_at=now, event=event
    )
    delivery_status_record(delivery, status, text=text, staff=staff)


def delivery_status_record(delivery: Delivery, status: str, *, text: str = "", staff: str = "") -> None:
    """Every change of a recipient's status (01 arrived, 02 refused, 03 registered, 04 assigned, 05 in
    progress, 06 completed, 15/16 the answer to a take-back) is a ``delivery_status`` event of the sent
    document: its history shows it, and the webhooks' ``delivery.status_changed`` carries it."""
    label = str(Status(status).label) if status in Status.values else status
    said = f" — {text}" if text and text != label else ""
    event_record(
        delivery.document,
        actor=None,
        action="delivery_status",
        text=f"{delivery.organ_name}: {label}{said}"[:2000],
        data={"delivery": delivery.pk, "status": status, "staff": staff[:150]},
    )


# Recipient's document events → edXML status of the sender's delivery.
EVENT_STATUS = {
    "rejected": Status.REJECTED,
    "registered": Status.REGISTERED,
    "submitted": Status.REGISTERED,
    "directed": Status.ASSIGNED,
    "routed": Status.ASSIGNED,
    "self_handled": Status.ASSIGNED,
    "assigned": Status.ASSIGNED,
    "progress": Status.IN_PROGRESS,
    "opinion": Status.IN_PROGRESS,
    "assignment_done": Status.IN_PROGRESS,
    "completed": Status.COMPLETED,
}


def status_from_event(event: DocumentEvent) -> StatusChange | None:
    """Move the delivery of the event's document forward when its recipient acted (the event consumer,
    ``consumers.py``). Idempotent: an event already applied, or one that would move the status back (a
    late or repeated event), changes nothing. The change carries the event's own time and author."""
    status = EVENT_STATUS.get(event.action)
    if status is None:
        return None
    delivery = Delivery.objects.select_for_update().filter(incoming_document_id=event.document_id).first()
    if delivery is None or delivery.recalled_at is not None:
        return None
    if StatusChange.objects.filter(event=event).exists():
        return None
    if RANK.get(Status(delivery.status), 0) >= RANK[status]:
        return None
    status_change(delivery, status, text=event.text[:500], staff=event.actor_name, at=event.created_at, event=event)
    return delivery.changes.order_by("-id").first()
