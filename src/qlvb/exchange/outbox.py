"""The outbox of the national axis (docs/axis.md, "Engine").

:func:`axis_deliveries_queue` writes, in the caller's transaction, one signed package per outside
recipient's delivery and a pending :class:`OutboxItem`; after commit a Celery task hands it to the axis.
While the axis is down an item waits with exponential back-off (``QLVB_AXIS_RETRY_BASE_SECONDS``
doubling up to ``QLVB_AXIS_RETRY_MAX_SECONDS``), and the beat job :func:`outbox_send_due` picks up every
due item, so a day of outage loses nothing. Every try is an :class:`OutboxAttempt`. A delivery that was
sent stays "chờ" (00) until the recipient's status 01 comes back through the inbox.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from qlvb.files.storage import StorageUnavailable

from .axis_config import transport_get
from .axis_packages import document_id_of, edoc_blobs, package_local, status_blob
from .edxml import model as m
from .models import BusinessType, Delivery, StatusChange, Transport
from .queue_models import InboxItem, OutboxAttempt, OutboxItem, OutboxKind
from .transport import TransportError

log = logging.getLogger(__name__)


def _after_commit_send(item_ids: list[int]) -> None:
    if item_ids:
        from .tasks import axis_outbox_send

        transaction.on_commit(lambda: [axis_outbox_send.delay(pk) for pk in item_ids])


def axis_deliveries_queue(deliveries: Iterable[Delivery], *, reason: str = "") -> list[OutboxItem]:
    """Queue a document package for each outside (axis) delivery among ``deliveries``, with the
    delivery's business type (new, revoke, update, replace). Idempotent: a delivery is queued once per
    business type; other transports are ignored. The packages of one document and business type share
    one read of its files (``edoc_blobs``). Runs in the caller's transaction."""
    groups: dict[tuple[int, int], list[Delivery]] = {}
    for delivery in deliveries:
        if delivery.transport != Transport.AXIS or not delivery.organ_id:
            continue
        # A recalled delivery (revoked, or its document replaced) withdraws this document: a revocation.
        # A replacing or updating document's own deliveries carry their type (3, 2) with the reference.
        btype = BusinessType.REVOKE if delivery.recalled_at is not None else delivery.business_type
        if OutboxItem.objects.filter(kind=OutboxKind.EDOC, delivery=delivery, business_type=btype).exists():
            continue
        groups.setdefault((delivery.document_id, btype), []).append(delivery)
    created: list[OutboxItem] = []
    now = timezone.now()
    for (_document_id, btype), group in groups.items():
        document = group[0].document
        blobs = edoc_blobs(
            document,
            to=[m.Organization(organ_id=d.organ_id, organ_name=d.organ_name) for d in group],
            business_type=btype,
            reason=reason,
        )
        for delivery, blob in zip(group, blobs, strict=True):
            created.append(
                OutboxItem.objects.create(
                    kind=OutboxKind.EDOC,
                    delivery=delivery,
                    business_type=btype,
                    sender=document.agency.organ_id,
                    recipient=delivery.organ_id,
                    package=blob,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
    _after_commit_send([item.pk for item in created])
    return created


def axis_status_queue(inbox_item: InboxItem, *, code: str, description: str = "", staff: str = "") -> OutboxItem | None:
    """Queue a status package (01–06, 15, 16) answering a document received over the axis. Once per
    code; nothing when the sender is unknown."""
    if not inbox_item.sender:
        return None
    existing = OutboxItem.objects.filter(kind=OutboxKind.STATUS, inbox_item=inbox_item, status_code=code).first()
    if existing is not None:
        return None
    agency_name = ""
    document = inbox_item.document
    if document is not None:
        agency_name = document.agency.name
    blob = status_blob(
        code=code,
        sender=m.Organization(organ_id=inbox_item.recipient, organ_name=agency_name),
        about=m.ResponseFor(organ_id=inbox_item.sender, document_id=inbox_item.key),
        description=description[:900],
        staff=staff,
    )
    now = timezone.now()
    item = OutboxItem.objects.create(
        kind=OutboxKind.STATUS,
        inbox_item=inbox_item,
        status_code=code,
        sender=inbox_item.recipient,
        recipient=inbox_item.sender,
        package=blob,
        next_attempt_at=now,
        created_at=now,
    )
    _after_commit_send([item.pk])
    return item


def axis_take_back_queue(delivery: Delivery, *, reason: str) -> OutboxItem | None:
    """Queue the status 13 ("lấy lại", with the reason) asking an outside recipient for one of our issued
    documents back. Once per delivery; the recipient answers 15 or 16 through our inbox."""
    if delivery.transport != Transport.AXIS or not delivery.organ_id:
        return None
    if OutboxItem.objects.filter(kind=OutboxKind.STATUS, delivery=delivery, status_code="13").exists():
        return None
    document = delivery.document
    agency = document.agency
    blob = status_blob(
        code="13",
        sender=m.Organization(organ_id=agency.organ_id, organ_name=agency.name),
        about=m.ResponseFor(
            organ_id=delivery.organ_id,
            code=f"{document.code_number}/{document.code_notation}",
            promulgation_date=f"{document.issued_date:%Y/%m/%d}" if document.issued_date else "",
            document_id=document_id_of(document),
        ),
        description=reason[:900],
    )
    now = timezone.now()
    item = OutboxItem.objects.create(
        kind=OutboxKind.STATUS,
        delivery=delivery,
        status_code="13",
        sender=agency.organ_id,
        recipient=delivery.organ_id,
        package=blob,
        next_attempt_at=now,
        created_at=now,
    )
    _after_commit_send([item.pk])
    return item


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next try: base × 2^(tries − 1), capped."""
    base = settings.QLVB_AXIS_RETRY_BASE_SECONDS
    return dt.timedelta(seconds=min(settings.QLVB_AXIS_RETRY_MAX_SECONDS, base * 2 ** max(0, attempts - 1)))


def _sent_before(item: OutboxItem) -> str:
    """The axis's id of this item's package if a try that died mid-send (``sending_since`` still set) got it
    to the axis: a document package to the same recipient in the axis's sent list, made since that try
    began, that no other item of ours claims. ``""`` when none (or for a status package: the sent list
    names document packages only)."""
    if item.kind != OutboxKind.EDOC or item.sending_since is None:
        return ""
    since = item.sending_since.replace(microsecond=0) - dt.timedelta(seconds=2)  # the axis counts in seconds
    claimed = set(
        OutboxItem.objects.filter(recipient=item.recipient).exclude(axis_id="").values_list("axis_id", flat=True)
    )
    for record in transport_get(item.sender).sent_list():
        if record.recipient != item.recipient or record.id in claimed or not record.created:
            continue
        try:
            created = dt.datetime.fromisoformat(record.created.replace("Z", "+00:00"))
        except ValueError:
            continue
        if created.tzinfo is None:
            created = created.replace(tzinfo=dt.UTC)
        if created >= since:
            return record.id
    return ""


IN_FLIGHT_MARGIN = dt.timedelta(seconds=10)


def _in_flight_until(item: OutboxItem) -> dt.datetime | None:
    """When the try that died mid-send (it left its token and no outcome) can no longer reach the axis (its
    start + the transport's time-outs + a margin), if that is still ahead; None when it is past: a package
    not in the sent list by then never arrived, and sending it again sends it once. (Found by the cluster's
    fault script: the worker killed while the axis held the request 8 s; the task, delivered again at once,
    did not find the package yet and sent it a second time.)"""
    if item.sending_since is None or item.tries.filter(at__gte=item.sending_since).exists():
        return None  # no try died in flight: the last one ended (a 5xx, a time-out) and recorded its outcome
    limit = dt.timedelta(seconds=transport_get(item.sender).send_time_limit) + IN_FLIGHT_MARGIN
    until = item.sending_since + limit
    return until if timezone.now() < until else None


def _sent(item: OutboxItem, axis_id: str, now: dt.datetime) -> OutboxItem:
    item.sent_at, item.axis_id, item.last_error = now, axis_id[:100], ""
    item.sending_token, item.sending_since = "", None
    item.save(update_fields=["attempts", "sent_at", "axis_id", "last_error", "sending_token", "sending_since"])
    _delivery_carry_note(item, carried_at=now)
    OutboxAttempt.objects.create(item=item, at=now, ok=True, axis_id=axis_id[:100])
    if item.delivery_id is not None:
        StatusChange.objects.create(
            delivery_id=item.delivery_id,
            status=Delivery.objects.values_list("status", flat=True).get(pk=item.delivery_id),
            text="Đã gửi yêu cầu lấy lại lên trục liên thông, chờ nơi nhận trả lời"
            if item.kind == OutboxKind.STATUS
            else "Đã gửi lên trục liên thông, chờ nơi nhận báo đã đến",
            created_at=now,
        )
    return item


def outbox_send(item_id: int) -> OutboxItem | None:
    """Try to send one item now (if it is still pending). Success: ``sent_at`` and the axis's id;
    a retryable failure (5xx, time-out, unreachable): the next try after :func:`backoff`; any other
    refusal: ``failed`` with the axis's words, for the clerk to see and retry by hand.

    Sent once even when a worker dies mid-send (``kill -9``; the task is delivered again, acks late): each
    try first commits a token of its own (``sending_token``, ``sending_since``), then sends under the item's
    row lock and clears it with the outcome. A token still there at the next try means the try before died
    between the two; that try's package is then looked for in the axis's sent list (:func:`_sent_before`)
    and, found, recorded as sent instead of sending it again; not found while that try could still be in
    flight (:func:`_in_flight_until`), the item waits until it cannot, then is looked up again and sent."""
    token = uuid.uuid4().hex
    with transaction.atomic():
        item = OutboxItem.objects.select_for_update().filter(pk=item_id, sent_at__isnull=True, failed=False).first()
        if item is None:
            return None
        if item.sending_token:  # the try before died mid-send: did its package reach the axis?
            try:
                found = _sent_before(item)
            except TransportError as exc:  # a failed try like any other: not sent again until it answers
                now = timezone.now()
                item.attempts += 1
                item.last_error = exc.message[:1000]
                item.next_attempt_at = now + backoff(item.attempts)
                item.save(update_fields=["attempts", "last_error", "next_attempt_at"])
                OutboxAttempt.objects.create(item=item, at=now, ok=False, error=exc.message[:1000])
                log.warning("axis outbox %s: sent list not available: %s", item.pk, exc.message)
                return item
            if found:
                log.warning("axis outbox %s: sent by a try that died mid-send (axis id %s)", item.pk, found)
                return _sent(item, found, timezone.now())
            settled = _in_flight_until(item)
            if settled is not None:  # that try's request may still be on its way: sending now could send twice
                item.next_attempt_at = settled
                item.save(update_fields=["next_attempt_at"])
                log.warning(
                    "axis outbox %s: a try that died mid-send may still be in flight; next try %s", item.pk, settled
                )
                return item
        item.sending_token, item.sending_since = token, timezone.now()
        item.save(update_fields=["sending_token", "sending_since"])
    with transaction.atomic():
        item = OutboxItem.objects.select_for_update().filter(pk=item_id, sent_at__isnull=True, failed=False).first()
        if item is None or item.sending_token != token:  # another try took over meanwhile
            return item
        now = timezone.now()
        item.attempts += 1
        try:
            with package_local(item.package) as package:
                axis_id = transport_get(item.sender).send(
                    package,
                    sender=item.sender,
                    recipients=(item.recipient,) if item.kind == OutboxKind.EDOC else (),
                    message_type="edoc" if item.kind == OutboxKind.EDOC else "status",
                )
        except StorageUnavailable as down:  # the object store for a moment: tried again like a 5xx of the axis
            item.next_attempt_at = now + backoff(item.attempts)
            item.last_error = down.message[:1000]
            item.sending_token, item.sending_since = "", None  # the package never left: nothing to look up
            item.save(update_fields=["attempts", "last_error", "next_attempt_at", "sending_token", "sending_since"])
            OutboxAttempt.objects.create(item=item, at=now, ok=False, error=down.message[:1000])
            log.warning("axis outbox %s: %s", item.pk, down.message)
            return item
        except TransportError as exc:
            item.last_error = exc.message[:1000]
            if exc.retryable:
                item.next_attempt_at = now + backoff(item.attempts)
            else:
                item.failed = True
            # a retryable failure (a time-out above all) may have reached the axis: the token stays, and the
            # next try looks the package up first; a refusal did not
            if not exc.retryable:
                item.sending_token, item.sending_since = "", None
            item.save(
                update_fields=["attempts", "last_error", "next_attempt_at", "failed", "sending_token", "sending_since"]
            )
            _delivery_carry_note(item, error=exc.message, failed=item.failed)
            OutboxAttempt.objects.create(item=item, at=now, ok=False, error=exc.message[:1000])
            log.warning("axis outbox %s: %s", item.pk, exc.message)
            return item
        return _sent(item, axis_id, now)


def _delivery_carry_note(
    item: OutboxItem, *, carried_at: dt.datetime | None = None, error: str = "", failed: bool = False
) -> None:
    """A document package's outcome on its delivery (the issue's progress on the outgoing page): carried
    once the axis accepted it; the axis's words on a failed try; given up when the axis refused it for good."""
    if item.kind != OutboxKind.EDOC or item.delivery_id is None or item.business_type == BusinessType.REVOKE:
        return
    rows = Delivery.objects.filter(pk=item.delivery_id)
    if carried_at is not None:
        rows.filter(carried_at__isnull=True).update(carried_at=carried_at, carry_error="", carry_failed=False)
    else:
        rows.update(carry_error=error[:500], carry_failed=failed)


def outbox_due(*, now: dt.datetime | None = None, limit: int = 200) -> list[int]:
    """Ids of pending items whose next try is due (the beat job sends them)."""
    now = now or timezone.now()
    return list(
        OutboxItem.objects.filter(sent_at__isnull=True, failed=False, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )


def outbox_send_due(*, now: dt.datetime | None = None) -> int:
    """Send every due item, oldest first; stop at the first retryable failure (the axis is down: the
    others wait for their own next try). Returns how many were sent."""
    sent = 0
    for pk in outbox_due(now=now):
        item = outbox_send(pk)
        if item is None:
            continue
        if item.sent_at is not None:
            sent += 1
        elif not item.failed:
            break
    return sent


def outbox_retry(item: OutboxItem) -> None:
    """The clerk's retry of a failed item: pending again, due now."""
    OutboxItem.objects.filter(pk=item.pk, sent_at__isnull=True).update(failed=False, next_attempt_at=timezone.now())
    if item.kind == OutboxKind.EDOC and item.delivery_id is not None:
        Delivery.objects.filter(pk=item.delivery_id, carried_at__isnull=True).update(carry_failed=False)
    _after_commit_send([item.pk])
