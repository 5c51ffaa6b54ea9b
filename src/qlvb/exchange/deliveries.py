"""Carrying issued documents to their recipients, after the sender's transaction has committed.

The outgoing flow only records one :class:`Delivery` per recipient (``documents.sending``) and its
``issued`` event; ``consumers.py`` hands that event to :func:`deliveries_carry`. A recipient agency of this
deployment (INTERNAL) gets its copy through the incoming flow's one entry point,
``incoming.receiving.incoming_receive``: the document waits in that agency's clerk's inbox ("chờ vào
sổ") and the delivery moves to 01. The recipient's later steps flow back through ``statuses.py``. An
outside agency's delivery stays "chờ gửi liên thông" (00) and is handed to :func:`axis_deliveries_queue`.
Deliveries on paper (``GG``) and to unreachable recipients (``KD``) are complete as recorded.
"""

from __future__ import annotations

import logging

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


def _deliver_internal(delivery_id: int, *, data: IncomingData, files: list[IncomingFile]) -> bool:
    """One internal recipient, in a savepoint of its own. Idempotent: a delivery that already has its copy,
    or that was recalled before it arrived, is left alone."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update(of=("self",)).select_related("unit").get(pk=delivery_id)
        if delivery.incoming_document_id is not None or delivery.recalled_at is not None or delivery.unit is None:
            return False
        received = incoming_receive(
            actor=None,
            agency=delivery.unit,
            channel=Channel.INTERNAL,
            data=data,
            files=files,
            register=False,
            confirm_duplicate=True,
            received_at=timezone.now(),
        )
        delivery.incoming_document = received.document
        delivery.save(update_fields=["incoming_document"])
        status_change(delivery, Status.ARRIVED, text="Đã đến hệ thống của nơi nhận")
        return True


def deliveries_carry(event: DocumentEvent) -> list[Delivery]:
    """The ``issued`` event of an outgoing document: every internal recipient receives it now (status 01),
    outside ones are queued for the axis. One recipient that fails (its agency left the deployment since,
    a file that no longer passes intake, ...) is logged and noted on its delivery, which stays 00; the
    others are delivered all the same, and replaying the event retries only what is missing. Returns the
    deliveries that arrived."""
    document = event.document
    waiting = Delivery.objects.filter(document=document, status=Status.WAITING, recalled_at__isnull=True)
    internal = list(
        waiting.filter(transport=Transport.INTERNAL, incoming_document__isnull=True).values_list("pk", flat=True)
    )
    arrived = []
    if internal:
        data, files = _incoming_data(document), _files(document)
        for pk in internal:
            try:
                if _deliver_internal(pk, data=data, files=files):
                    arrived.append(pk)
            except Exception:  # one recipient's failure must not stop the others
                logger.exception("delivery %s of document %s: internal delivery failed", pk, document.pk)
                StatusChange.objects.create(
                    delivery_id=pk,
                    status=Status.WAITING,
                    created_at=timezone.now(),
                    text="Chưa chuyển được tới hệ thống của nơi nhận.",
                )
    axis_deliveries_queue(list(waiting.filter(transport=Transport.AXIS)))
    return list(Delivery.objects.filter(pk__in=arrived))
