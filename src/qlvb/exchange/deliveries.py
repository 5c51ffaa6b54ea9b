"""Carrying issued documents to their recipients, after the sender's transaction has committed.

The outgoing flow only records one :class:`Delivery` per recipient (``documents.sending``) and its
``issued`` event; ``consumers.py`` hands that event to :func:`deliveries_carry`, which only fans out: one
Celery task per electronic delivery (:func:`delivery_carry`, queued after the consumer's short
transaction commits; queue ``exchange`` for the axis, ``default`` for this deployment). Each task carries
one recipient in a transaction of its own, under that delivery's row lock, and is idempotent (a delivery
already carried, recalled or given up is left alone), so a task run twice delivers once and a recipient
that fails holds back no other. A failed try is recorded on the delivery (``carry_attempts``,
``carry_error``) and tried again after a back-off (``QLVB_DELIVERY_RETRY_BASE_SECONDS`` doubling); after
``QLVB_DELIVERY_TRIES`` tries it is ``carry_failed``, shown on the outgoing page ("Đã gửi 180/200, 3 lỗi")
where the clerk's "Gửi lại" (event ``deliveries_retried``) starts it again.

A recipient agency of this deployment (INTERNAL) gets its copy through the incoming flow's one entry point,
``incoming.receiving.incoming_receive``: the document waits in that agency's clerk's inbox ("chờ vào
sổ") and the delivery moves to 01. The recipient's later steps flow back through ``statuses.py``. An
outside agency's delivery stays "chờ gửi liên thông" (00): its task writes its package into the axis
outbox (:func:`axis_deliveries_queue`), whose own task sends it (and marks the delivery carried once the
axis accepts it). Deliveries on paper (``GG``) and to unreachable recipients (``KD``) are complete as
recorded.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from qlvb.documents.models import AttachmentKind, Channel, Document, DocumentEvent
from qlvb.incoming.attaching import IncomingFile
from qlvb.incoming.receiving import IncomingData, incoming_receive

from .models import Delivery, Status, StatusChange, Transport
from .outbox import axis_deliveries_queue
from .statuses import status_change

logger = logging.getLogger(__name__)


def _incoming_data(document: Document) -> IncomingData:
    # The sender's language, internal note and secrecy are not carried (the incoming field list: incoming.fields).
    return IncomingData.of(document, omit=("language", "description", "secrecy"))


def _files(document: Document) -> list[IncomingFile]:
    files = []
    for attachment in document.attachments.select_related("stored_file__blob").order_by("ordinal"):
        kind = (
            AttachmentKind.MAIN
            if attachment.kind in (AttachmentKind.SIGNED, AttachmentKind.MAIN)
            else AttachmentKind.APPENDIX
        )
        files.append(IncomingFile(stored_file=attachment.stored_file, kind=kind))
    return files


def _deliver_internal(delivery: Delivery) -> None:
    """One internal recipient's copy, in the caller's transaction (the delivery's row is locked)."""
    document = delivery.document
    received = incoming_receive(
        actor=None,
        agency=delivery.unit,  # type: ignore[arg-type]
        channel=Channel.INTERNAL,
        data=_incoming_data(document),
        files=_files(document),
        register=False,
        confirm_duplicate=True,
        received_at=timezone.now(),
    )
    delivery.incoming_document = received.document
    delivery.carried_at = timezone.now()
    delivery.carry_error = ""
    delivery.save(update_fields=["incoming_document", "carried_at", "carry_error"])
    status_change(delivery, Status.ARRIVED, text="Đã đến hệ thống của nơi nhận")


def delivery_carry(delivery_id: int) -> str:
    """Carry one delivery now, in one transaction under its row lock: ``"arrived"`` (an internal copy
    received), ``"queued"`` (an axis package written to the outbox, sent by its own task after the
    commit) or ``"skipped"`` (carried already, recalled, given up, or not electronic) — so running it
    twice delivers once. An exception leaves nothing behind (the caller records the failed try)."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("unit", "document__agency")
            .filter(pk=delivery_id)
            .first()
        )
        if (
            delivery is None
            or delivery.recalled_at is not None
            or delivery.carry_failed
            or delivery.carried_at is not None
            or delivery.status != Status.WAITING
        ):
            return "skipped"
        if delivery.transport == Transport.INTERNAL and delivery.unit is not None:
            if delivery.incoming_document_id is not None:
                return "skipped"
            _deliver_internal(delivery)
            return "arrived"
        if delivery.transport == Transport.AXIS:
            return "queued" if axis_deliveries_queue([delivery]) else "skipped"
        return "skipped"


def delivery_retry_in(attempts: int) -> float:
    """Seconds before the next try after ``attempts`` failed ones: base × 2^(attempts − 1), capped."""
    base = settings.QLVB_DELIVERY_RETRY_BASE_SECONDS
    return float(min(settings.QLVB_DELIVERY_RETRY_MAX_SECONDS, base * 2 ** max(0, attempts - 1)))


def delivery_carry_failed(delivery_id: int, error: BaseException) -> float | None:
    """Record a failed try of :func:`delivery_carry` (its own transaction): the seconds to wait before the
    next try, or ``None`` once the tries have run out (the delivery is ``carry_failed``, noted in its
    history, for the clerk to see and send again)."""
    logger.warning("delivery %s: try failed: %s", delivery_id, error, exc_info=error)
    text = (str(error) or error.__class__.__name__)[:400]
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.carried_at is not None:
            return None
        delivery.carry_attempts += 1
        delivery.carry_error = text
        fields = ["carry_attempts", "carry_error"]
        if delivery.carry_attempts >= settings.QLVB_DELIVERY_TRIES:
            delivery.carry_failed = True
            fields.append("carry_failed")
            StatusChange.objects.create(
                delivery=delivery,
                status=delivery.status,
                created_at=timezone.now(),
                text=f"Chưa chuyển được tới hệ thống của nơi nhận (đã thử {delivery.carry_attempts} lần): {text}"[:500],
            )
        delivery.save(update_fields=fields)
        return None if delivery.carry_failed else delivery_retry_in(delivery.carry_attempts)


def deliveries_fan_out(document: Document) -> list[int]:
    """Queue one :func:`delivery_carry` task per electronic delivery of ``document`` still to carry, after
    the caller's transaction commits. Returns their ids."""
    rows = list(
        Delivery.objects.filter(
            document=document,
            status=Status.WAITING,
            recalled_at__isnull=True,
            carried_at__isnull=True,
            carry_failed=False,
            transport__in=(Transport.INTERNAL, Transport.AXIS),
        )
        .order_by("pk")
        .values_list("pk", "transport")
    )
    if rows:
        from .tasks import delivery_carry_queue

        def queue_all() -> None:
            for pk, transport in rows:
                delivery_carry_queue(pk, transport)

        transaction.on_commit(queue_all)
    return [pk for pk, _transport in rows]


def deliveries_carry(event: DocumentEvent) -> list[int]:
    """The ``issued`` (or ``deliveries_retried``) event of an outgoing document: fan out one task per
    recipient still to carry (:func:`deliveries_fan_out`); an axis package the axis refused for good is
    put back in the outbox's queue by the retry. Replaying the event queues again only what is missing,
    and each task is idempotent."""
    if event.action == "deliveries_retried":
        from .outbox import outbox_retry
        from .queue_models import OutboxItem, OutboxKind

        for item in OutboxItem.objects.filter(
            kind=OutboxKind.EDOC,
            delivery__document=event.document,
            delivery__recalled_at__isnull=True,
            sent_at__isnull=True,
            failed=True,
        ):
            outbox_retry(item)
    return deliveries_fan_out(event.document)
