"""A status package taken from the national axis inbox (docs/axis.md, "Engine"): it moves our delivery
of the document it is about, or — status 13 — asks for a document we received back."""

from __future__ import annotations

from django.utils import timezone

from qlvb.assignments.models import NotificationKind
from qlvb.assignments.notify import notify_after_commit
from qlvb.directory import people
from qlvb.documents.models import DocumentStatus
from qlvb.files.models import Blob

from .edxml import model as m
from .edxml.status import CHANGE_ACCEPTED, CHANGE_REJECTED, REJECTED, TAKE_BACK_REQUESTED, normalize_code, status_label
from .inbox_documents import withdraw
from .models import RANK, Delivery, Status, StatusChange, TakeBack, Transport
from .outbox import axis_status_queue
from .queue_models import InboxItem, InboxState, OutboxKind
from .statuses import delivery_status_record
from .take_back import REFUSED_TEXT, TAKEN_TEXT
from .transport import ReceivedMessage


def status_apply(message: ReceivedMessage, status: m.Status, *, blob: Blob) -> InboxItem:
    """A status about a document we sent moves our delivery (forward only) and is kept in its history;
    a status about a document we never sent is stored as refused."""
    code = normalize_code(status.status_code)
    sender = status.from_.organ_id or message.sender
    about = status.response_for.document_id
    base = {
        "message_id": message.id,
        "kind": OutboxKind.STATUS,
        "sender": sender[:35],
        "recipient": message.recipient[:35],
        "key": about[:200],
        "package": blob,
        "received_at": timezone.now(),
    }
    if code == TAKE_BACK_REQUESTED:
        return _take_back(message, base, sender=sender, about=about)
    delivery = (
        Delivery.objects.select_for_update()
        .select_related("document")
        .filter(transport=Transport.AXIS, organ_id=sender, document__document_identifier=about)
        .exclude(document__document_identifier="")
        .first()
    )
    if delivery is None:
        return InboxItem.objects.create(
            **base,
            state=InboxState.REFUSED,
            reason=f"Trạng thái {code} cho văn bản “{about}” chưa từng gửi tới {sender}.",
        )
    text = status.description or status_label(code)
    staff = status.staff_info.staff
    now = timezone.now()
    moved = False
    if (
        code in Status.values
        and code in {s.value for s in RANK}
        and RANK[Status(code)] > RANK.get(Status(delivery.status), 0)
    ):
        delivery.status, delivery.status_at = code, now
        delivery.save(update_fields=["status", "status_at"])
        moved = True
    elif code in (CHANGE_ACCEPTED, CHANGE_REJECTED) and delivery.take_back == TakeBack.REQUESTED:
        delivery.take_back = code  # the answer to our take-back (13): 15 taken back, 16 refused
        delivery.save(update_fields=["take_back"])
        text = status.description or (TAKEN_TEXT if code == CHANGE_ACCEPTED else REFUSED_TEXT)
    elif code in (CHANGE_ACCEPTED, CHANGE_REJECTED):
        delivery.recall_pending = False
        delivery.save(update_fields=["recall_pending"])
    StatusChange.objects.create(
        delivery=delivery,
        status=code if code in Status.values else delivery.status,
        text=text[:500],
        staff=staff[:150],
        created_at=now,
    )
    answered = code in (CHANGE_ACCEPTED, CHANGE_REJECTED)
    if moved or code == REJECTED or answered:  # the sent document's history and the webhooks hear of it
        delivery_status_record(delivery, code, text=text, staff=staff)
    if moved or code == REJECTED:  # the outside agency answered: its clerks' devices hear of it
        notify_after_commit(
            users=people.clerks_of(delivery.document.agency),
            kind=NotificationKind.REPLY,
            document_id=delivery.document_id,
            text=f"{delivery.organ_name}: {text}"[:500],
        )
    return InboxItem.objects.create(**base, state=InboxState.APPLIED, document=delivery.document)


def _take_back(message: ReceivedMessage, base: dict[str, object], *, sender: str, about: str) -> InboxItem:
    """Status 13 from the sender of a document we received: taken back (withdrawn, answered 15) while the
    clerk has not registered it yet; once registered, answered 16 — the clerk settles it with the sender."""
    origin = (
        InboxItem.objects.select_related("document")
        .filter(sender=sender, recipient=message.recipient, key=about, state=InboxState.REGISTERED)
        .first()
    )
    if origin is None or origin.document is None:
        return InboxItem.objects.create(
            **base, state=InboxState.REFUSED, reason=f"Yêu cầu lấy lại văn bản “{about}” chưa từng nhận từ {sender}."
        )
    copy = origin.document
    if copy.status == DocumentStatus.RECEIVED:
        withdraw(copy, business_type=1, reason="Cơ quan gửi lấy lại văn bản (trạng thái 13)", sender=sender)
        axis_status_queue(origin, code=CHANGE_ACCEPTED, description="Đồng ý cho lấy lại văn bản")
    else:
        axis_status_queue(
            origin, code=CHANGE_REJECTED, description="Văn bản đã vào sổ, không lấy lại tự động: liên hệ văn thư"
        )
    return InboxItem.objects.create(**base, state=InboxState.APPLIED, document=copy)
