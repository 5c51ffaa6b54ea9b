"""Events → webhook deliveries: the consumers named in ``settings.QLVB_EVENT_CONSUMERS`` (document events)
and ``settings.QLVB_TASK_EVENT_CONSUMERS`` (task events), run by Celery after the commit that recorded the
event. For each subscription of the agency's systems that wants the kind, the payload is built **as the
subscription's person sees it**: the person (mapped by the subscription's user code, of the system's unit)
must see the document or the task through the flows' own selectors (one SQL query), or nothing is sent.
One delivery per event and subscription (a unique row: a consumer run twice sends nothing twice); each is
sent by a drain of its subscription (``tasks.webhook_drain``) queued after this transaction commits."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from qlvb.core.errors import DomainError
from qlvb.direction.task_models import TaskEvent
from qlvb.direction.task_selectors import tasks_visible_to
from qlvb.documents.deliveries import Status as DeliveryStatus
from qlvb.documents.events import consumer
from qlvb.documents.models import Direction, Document, DocumentEvent
from qlvb.documents.visibility import documents_visible_to

from .mapping import person_for
from .models import DeliveryState, EventKind, Scope, Submission, Subscription, WebhookDelivery
from .webhook_purge import event_too_old

if TYPE_CHECKING:
    from qlvb.directory.models import User

DOCUMENT_KINDS: dict[tuple[str, str], str] = {
    ("registered", Direction.INCOMING): EventKind.DOCUMENT_REGISTERED,
    ("directed", Direction.INCOMING): EventKind.DOCUMENT_DIRECTED,
    ("completed", Direction.INCOMING): EventKind.DOCUMENT_COMPLETED,
    ("issued", Direction.OUTGOING): EventKind.OUTGOING_ISSUED,
    ("delivery_status", Direction.OUTGOING): EventKind.DELIVERY_STATUS,
}
TASK_KINDS = {"created": EventKind.TASK_CREATED, "completed": EventKind.TASK_COMPLETED}


def max_attempts() -> int:
    return max(1, int(getattr(settings, "QLVB_WEBHOOK_MAX_ATTEMPTS", 8)))


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def document_data(document: Document) -> dict[str, Any]:
    """What a person who sees the document sees of it (its register entry's fields)."""
    return {
        "id": document.pk,
        "direction": document.direction,
        "doc_type": document.doc_type.name,
        "subject": document.subject,
        "number": document.code_number,
        "notation": document.code_notation,
        "number_notation": document.number_notation,
        "issued_date": _date(document.issued_date),
        "organ_name": document.organ_name,
        "arrival_number": document.arrival_number,
        "arrival_date": _date(document.arrival_date),
        "due_date": _date(document.due_date),
        "urgency": document.urgency,
        "status": document.status,
    }


def _subscriptions(agency_id: int, kind: str) -> list[Subscription]:
    found = Subscription.objects.filter(system__agency_id=agency_id, system__revoked_at__isnull=True).select_related(
        "system__owner_unit"
    )
    return [s for s in found if kind in s.kinds and Scope.RECEIVE_EVENTS in s.system.scopes]


def deliveries_make(
    *,
    agency_id: int,
    kind: str,
    key: str,
    at: dt.datetime,
    sees: Callable[[User], bool],
    data: Callable[[Subscription], dict[str, Any]],
) -> list[tuple[int, int]]:
    """One pending delivery per subscription that wants ``kind`` and whose person ``sees`` the subject of the
    event (asked once per person); existing rows (a second run) are left as they are, and an event older than
    the deliveries' keeping period makes none (``webhook_purge``). Returns the (delivery, subscription) ids
    to send."""
    if event_too_old(at):  # its deliveries may have been purged: a replayed old event is not sent again
        return []
    subscriptions = _subscriptions(agency_id, kind)
    if not subscriptions:
        return []
    sight: dict[int, bool] = {}
    people: dict[tuple[int, str], User | None] = {}
    now = timezone.now()
    rows = []
    for sub in subscriptions:
        who = (sub.system_id, sub.user_code)
        if who not in people:
            try:
                people[who] = person_for(sub.system, sub.user_code)
            except DomainError:  # unmapped, left the unit, inactive: the subscription's person sees nothing
                people[who] = None
        person = people[who]
        if person is None:
            continue
        if person.pk not in sight:
            sight[person.pk] = sees(person)
        if not sight[person.pk]:
            continue
        body = {"id": key, "kind": kind, "time": at.isoformat(), "system": sub.system.client_id, "data": data(sub)}
        rows.append(
            WebhookDelivery(
                subscription=sub,
                event_key=key,
                kind=kind,
                body=json.dumps(body, ensure_ascii=False, separators=(",", ":")),
                tries_left=max_attempts(),
                next_attempt_at=now,
                created_at=now,
            )
        )
    if not rows:
        return []
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    queued = list(
        WebhookDelivery.objects.filter(
            event_key=key,
            subscription__in=[r.subscription_id for r in rows],
            subscription__active=True,
            state=DeliveryState.PENDING,
            attempts=0,
        ).values_list("pk", "subscription_id")
    )
    return queued


def _queue_after_commit(queued: list[tuple[int, int]]) -> None:
    """One drain per subscription that got a delivery (``tasks.webhook_drain``), after the commit."""
    from .tasks import webhook_drain_queue

    for sub in sorted({sub for _pk, sub in queued}):
        transaction.on_commit(partial(webhook_drain_queue, sub))


def _wants(event: DocumentEvent) -> bool:
    return (event.action, event.document.direction) in DOCUMENT_KINDS


def _document_event_data(event: DocumentEvent) -> Callable[[Subscription], dict[str, Any]]:
    """The payload's data for each subscription (the document's fields read once per event)."""
    document = event.document
    base: dict[str, Any] = {"document": document_data(document), "text": event.text, "actor": event.actor_name}
    if event.action == "delivery_status":
        status = str(event.data.get("status") or "")
        label = str(DeliveryStatus(status).label) if status in DeliveryStatus.values else status
        # the recipient's status as the sent document's history shows it (never the recipient's own file)
        base["delivery"] = {"id": event.data.get("delivery"), "status": status, "status_label": label}

    def data(sub: Subscription) -> dict[str, Any]:
        if document.direction != Direction.OUTGOING:
            return base
        submitted = Submission.objects.filter(system=sub.system, outgoing__document=document).first()
        return {**base, "external_id": submitted.external_id if submitted else None}

    return data


def document_deliveries(event: DocumentEvent) -> list[tuple[int, int]]:
    document = event.document
    kind = DOCUMENT_KINDS[(event.action, document.direction)]
    return deliveries_make(
        agency_id=document.agency_id,
        kind=kind,
        key=f"doc-{event.pk}",
        at=event.created_at,
        sees=lambda person: documents_visible_to(person, document.direction).filter(pk=document.pk).exists(),
        data=_document_event_data(event),
    )


@consumer(wants=_wants)
def document_event(event: DocumentEvent) -> None:
    """Consumer of document events (``settings.QLVB_EVENT_CONSUMERS``)."""
    _queue_after_commit(document_deliveries(event))


def task_event(event: TaskEvent) -> None:
    """Consumer of task events (``settings.QLVB_TASK_EVENT_CONSUMERS``): created and completed tasks."""
    kind = TASK_KINDS.get(event.action)
    if kind is None:
        return
    task = event.task
    data = {
        "task": {
            "id": task.pk,
            "title": task.title,
            "due_date": _date(task.due_date),
            "status": task.status,
            "priority": task.priority,
            "completed_at": task.completed_at.isoformat() if task.completed_at else None,
        },
        "text": event.text,
    }
    queued = deliveries_make(
        agency_id=task.agency_id,
        kind=kind,
        key=f"task-{event.pk}",
        at=event.created_at,
        sees=lambda person: tasks_visible_to(person).filter(pk=task.pk).exists(),
        data=lambda sub: data,
    )
    _queue_after_commit(queued)
