"""Sending issued documents to their recipients and the statuses that come back.

The outgoing flow only records what to send (:func:`deliveries_send`); this module is the transport.
For a recipient agency of this deployment (INTERNAL) it calls the incoming flow's one entry point,
``incoming.receiving.incoming_receive``, so the document waits in that agency's clerk's inbox at once;
the recipient's later steps (register, assign, handle, complete) flow back to the sender's
:class:`Delivery` after they commit, through ``consumers.py`` (a document-event consumer run by Celery).
An outside agency's delivery waits as "chờ gửi liên thông" (status 00) for the national-axis module.
A recipient with no electronic address — an outside agency of the directory without an identifier, or a
recipient typed as text and marked "gửi bản giấy" — gets a delivery with the local status ``GG`` (gửi bản
giấy); one typed as text and matched to nothing gets ``KD`` (chưa có địa chỉ liên thông): never dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from qlvb.assignments.notify import notify_after_commit
from qlvb.core.errors import ValidationFailed
from qlvb.directory import people
from qlvb.directory.models import Unit
from qlvb.documents.events import event_record
from qlvb.documents.models import AttachmentKind, Channel, Direction, Document, DocumentEvent, DocumentStatus
from qlvb.incoming.attaching import IncomingFile
from qlvb.incoming.receiving import IncomingData, incoming_receive

from .models import RANK, BusinessType, Delivery, Status, StatusChange, Transport

# The status of a recipient's copy that was recalled: out of every inbox, no action possible.
# (``documents.DocumentStatus`` has no such value yet; see docs/outgoing.md.)
WITHDRAWN = DocumentStatus.WITHDRAWN


def route_of(unit: Unit) -> str:
    """How a recipient of the directory gets the document: an agency of this deployment at once
    (internal); an outside agency with an electronic identifier through the national axis (waits for it);
    one without an identifier on paper."""
    if not unit.external:
        return Transport.INTERNAL
    return Transport.AXIS if unit.organ_id else Transport.PAPER


def recipient_check(unit: Unit, *, sender: Unit) -> None:
    """A recipient is an active agency other than the sender (an outside one without an electronic
    identifier is sent on paper: :func:`route_of`)."""
    if not unit.is_agency:
        raise ValidationFailed(f"{unit.name} không phải là cơ quan, tổ chức nhận văn bản.")
    if unit.pk == sender.pk:
        raise ValidationFailed("Không gửi văn bản đi cho chính cơ quan ban hành.")
    if not unit.is_active:
        raise ValidationFailed(f"{unit.name} đã ngừng hoạt động trong danh bạ.")


def _change(
    delivery: Delivery,
    status: str,
    *,
    text: str = "",
    staff: str = "",
    at: Any = None,
    event: DocumentEvent | None = None,
) -> None:
    now = at or timezone.now()
    delivery.status = status
    delivery.status_at = now
    delivery.save(update_fields=["status", "status_at"])
    StatusChange.objects.create(
        delivery=delivery, status=status, text=text[:500], staff=staff[:150], created_at=now, event=event
    )


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


def deliveries_send(
    *,
    document: Document,
    units: Iterable[Unit],
    also_paper: bool = False,
    business_type: int = BusinessType.NEW,
    paper: Iterable[str] = (),
    unreachable: Iterable[str] = (),
) -> list[Delivery]:
    """One delivery per recipient of an issued document, in the issuing transaction. Internal recipients
    receive it now (status 01); outside ones wait for the axis (status 00); an outside agency without an
    identifier and the names in ``paper`` are sent on paper (``GG``); the names in ``unreachable`` (typed
    as text, matched to no agency) are recorded as ``KD`` — none is left out."""
    if document.direction != Direction.OUTGOING:
        raise ValidationFailed("Chỉ gửi được văn bản đi.")
    now = timezone.now()
    files = _files(document)
    data = _incoming_data(document)
    created = []
    for unit in units:
        recipient_check(unit, sender=document.agency)
        route = route_of(unit)
        delivery = Delivery.objects.create(
            document=document,
            unit=unit,
            organ_name=unit.name[:200],
            organ_id=unit.organ_id[:35],
            transport=route,
            business_type=business_type,
            status=Status.PAPER if route == Transport.PAPER else Status.WAITING,
            status_at=now,
            also_paper=also_paper or route == Transport.PAPER,
            created_at=now,
        )
        if route == Transport.AXIS:
            StatusChange.objects.create(
                delivery=delivery, status=Status.WAITING, text="Chờ gửi liên thông", created_at=now
            )
        elif route == Transport.PAPER:
            StatusChange.objects.create(
                delivery=delivery,
                status=Status.PAPER,
                created_at=now,
                text="Chưa có mã định danh điện tử: gửi bản giấy",
            )
        else:
            received = incoming_receive(
                actor=None,
                agency=unit,
                channel=Channel.INTERNAL,
                data=data,
                files=files,
                register=False,
                confirm_duplicate=True,
                received_at=now,
            )
            delivery.incoming_document = received.document
            delivery.save(update_fields=["incoming_document"])
            _change(delivery, Status.ARRIVED, text="Đã đến hệ thống của nơi nhận")
        created.append(delivery)
    for names, transport, status, text in (
        (paper, Transport.PAPER, Status.PAPER, "Gửi bản giấy"),
        (
            unreachable,
            Transport.NONE,
            Status.NO_ADDRESS,
            "Nơi nhận ghi bằng chữ, chưa khớp cơ quan nào trong danh bạ: không gửi điện tử được",
        ),
    ):
        for name in names:
            delivery = Delivery.objects.create(
                document=document,
                unit=None,
                organ_name=name[:200],
                transport=transport,
                business_type=business_type,
                status=status,
                status_at=now,
                also_paper=transport == Transport.PAPER,
                created_at=now,
            )
            StatusChange.objects.create(delivery=delivery, status=status, text=text, created_at=now)
            created.append(delivery)
    return created


def deliveries_recall(
    *, actor: Any, document: Document, reason: str, business_type: int = BusinessType.REVOKE
) -> list[Delivery]:
    """Recall an issued document from every recipient (NĐ 30 Điều 18.4): internal copies are withdrawn
    from use and the recall is recorded on them; outside recipients wait for the axis."""
    now = timezone.now()
    changed = []
    for delivery in Delivery.objects.select_related("incoming_document").filter(
        document=document, recalled_at__isnull=True
    ):
        delivery.business_type = business_type
        delivery.recalled_at = now
        label = BusinessType(business_type).label
        if (
            delivery.transport == Transport.INTERNAL
            and delivery.incoming_document is not None
            and delivery.unit is not None
        ):
            copy = Document.objects.select_for_update().get(pk=delivery.incoming_document.pk)
            copy.status = WITHDRAWN
            copy.save(update_fields=["status"])
            event_record(
                copy,
                actor=actor,
                action="recalled",
                text=f"{label}: {reason}",
                data={"business_type": business_type, "from_document": document.pk},
            )
            notify_after_commit(
                users=people.clerks_of(delivery.unit),
                kind="returned",
                document_id=copy.pk,
                text=f"Văn bản {document.number_notation} bị thu hồi: {reason}"[:500],
            )
            delivery.save(update_fields=["business_type", "recalled_at"])
            StatusChange.objects.create(
                delivery=delivery,
                status=delivery.status,
                created_at=now,
                text=f"{label}: đã thu hồi bản nhận. {reason}"[:500],
            )
        elif delivery.transport == Transport.AXIS:
            delivery.recall_pending = True
            delivery.save(update_fields=["business_type", "recalled_at", "recall_pending"])
            StatusChange.objects.create(
                delivery=delivery,
                status=delivery.status,
                created_at=now,
                text=f"{label}: chờ gửi liên thông. {reason}"[:500],
            )
        else:  # sent on paper or not sent: the recall goes the same way, outside the system
            delivery.save(update_fields=["business_type", "recalled_at"])
            how = "thu hồi bản giấy" if delivery.transport == Transport.PAPER else "chưa gửi, không cần thu hồi"
            StatusChange.objects.create(
                delivery=delivery, status=delivery.status, created_at=now, text=f"{label}: {how}. {reason}"[:500]
            )
        changed.append(delivery)
    return changed


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
    _change(delivery, status, text=event.text[:500], staff=event.actor_name, at=event.created_at, event=event)
    if status == Status.REJECTED:
        event_record(
            delivery.document,
            actor=None,
            action="delivery_status",
            text=f"{delivery.organ_name}: từ chối tiếp nhận — {event.text}"[:2000],
            data={"delivery": delivery.pk, "status": Status.REJECTED, "staff": event.actor_name},
        )
    return delivery.changes.order_by("-id").first()
