"""The inbox of the national axis (docs/axis.md, "Engine").

:func:`inbox_poll` (a beat job) lists what waits on the axis and takes each package once: download,
parse (streaming, ``edxml.parse``), then in one transaction an :class:`InboxItem` keyed by the axis's
message id and the effect — a new document registered through the one incoming entry point
(``incoming_receive``, channel "axis", idempotent on DocumentId + sender), a revocation or replacement
applied to the copy we hold, or a status applied to our delivery — and the status answered (01, or 02
with the Vietnamese reason of a refusal); only then the acknowledgement. Killed between download and
acknowledgement, the next poll finds the message id and only acknowledges: nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from qlvb.core.errors import DomainError
from qlvb.core.text import fold
from qlvb.directory.models import Unit
from qlvb.documents.events import event_record
from qlvb.documents.models import AttachmentKind, Channel, Document, DocumentStatus, DocumentType, Secrecy
from qlvb.documents.secrecy import secrecy_refuse
from qlvb.files.intake import file_intake
from qlvb.files.models import Blob
from qlvb.files.models import Channel as FileChannel
from qlvb.incoming.attaching import IncomingFile
from qlvb.incoming.receiving import IncomingData, incoming_receive

from .axis_config import transport_get
from .axis_packages import blob_keep
from .edxml import EdxmlRefused, parse
from .edxml import model as m
from .edxml.parse import Parsed, peek_sender
from .edxml.signature import verify_package
from .edxml.status import CHANGE_ACCEPTED, CHANGE_REJECTED, REJECTED, TAKE_BACK_REQUESTED, normalize_code, status_label
from .models import RANK, Delivery, Status, StatusChange, Transport
from .outbox import axis_status_queue
from .queue_models import InboxItem, InboxState, OutboxKind
from .transport import ReceivedMessage, TransportError
from .transport import Transport as AxisTransport

log = logging.getLogger(__name__)


class PackageRefusedError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class _Taken:
    message: ReceivedMessage
    path: Path
    files_dir: Path


def inbox_poll(*, transport: AxisTransport | None = None) -> int:
    """Take every package waiting for this system (``transport``: one connected system, default the
    configured one). Returns how many were taken. A transport failure stops the poll (the next one
    resumes); a refused package is stored, answered and acknowledged."""
    transport = transport or transport_get()
    taken = 0
    try:
        messages = transport.list_received()
    except TransportError as exc:
        log.warning("axis inbox: %s", exc.message)
        return 0
    for message in messages:
        try:
            inbox_take(message, transport=transport)
        except TransportError as exc:
            log.warning("axis inbox %s: %s", message.id, exc.message)
            break
        taken += 1
    return taken


def inbox_take(message: ReceivedMessage, *, transport: AxisTransport | None = None) -> InboxItem:
    """Take one message: :func:`inbox_receive`, then acknowledge it to the axis."""
    axis = transport or transport_get()
    item = inbox_receive(message, transport=axis)
    axis.acknowledge(message.id, "done")
    InboxItem.objects.filter(pk=item.pk, acknowledged_at__isnull=True).update(acknowledged_at=timezone.now())
    return item


def inbox_receive(message: ReceivedMessage, *, transport: AxisTransport | None = None) -> InboxItem:
    """Download, parse and apply one message, once: a message id already taken returns its item (the
    worker died before acknowledging it). Raises :class:`TransportError` only when the axis failed in a
    way worth retrying; a package refused for good is stored refused."""
    done = InboxItem.objects.filter(message_id=message.id).first()
    if done is not None:
        return done
    with tempfile.TemporaryDirectory(prefix="axis-in-") as tmp:
        path, files_dir = Path(tmp) / "package.edxml", Path(tmp) / "files"
        files_dir.mkdir()
        try:
            (transport or transport_get()).download(message.id, path)
        except TransportError as exc:
            if exc.retryable:
                raise
            return _refuse(message, None, exc.message, sender=message.sender, key="")
        try:
            return _handle(_Taken(message, path, files_dir))
        except IntegrityError:  # another poll took this very message at the same moment
            return InboxItem.objects.get(message_id=message.id)


def _handle(taken: _Taken) -> InboxItem:
    blob = blob_keep(taken.path)
    hint = peek_sender(taken.path)
    try:
        parsed = parse(taken.path, attachments_dir=taken.files_dir)
    except EdxmlRefused as exc:
        return _refuse(
            taken.message, blob, exc.message, sender=hint.organ_id or taken.message.sender, key=hint.document_id
        )
    try:
        verdict = verify_package(taken.path)
        signature = f"{verdict.verdict}: {verdict.message}"[:500]
    except EdxmlRefused as exc:  # parsed, yet unreadable for the signature check: noted, not refused
        signature = f"invalid: {exc.message}"[:500]
    try:
        with transaction.atomic():
            if isinstance(parsed.package, m.Status):
                return _status_apply(taken.message, parsed.package, blob=blob)
            return _edoc_take(taken, parsed, blob=blob, signature=signature)
    except PackageRefusedError as exc:
        header = parsed.package.header if isinstance(parsed.package, m.Edoc) else None
        sender = header.from_.organ_id if header else taken.message.sender
        return _refuse(
            taken.message,
            blob,
            exc.reason,
            sender=sender or taken.message.sender,
            key=header.document_id if header else "",
        )


def _refuse(message: ReceivedMessage, blob: Blob | None, reason: str, *, sender: str, key: str) -> InboxItem:
    """A package not taken: kept with its Vietnamese reason, answered 02 when its sender is known."""
    with transaction.atomic():
        item = InboxItem.objects.create(
            message_id=message.id,
            kind=message.message_type if message.message_type in OutboxKind.values else OutboxKind.EDOC,
            sender=sender[:35],
            recipient=message.recipient[:35],
            key=key[:200],
            state=InboxState.REFUSED,
            reason=reason[:1000],
            package=blob,
            received_at=timezone.now(),
        )
        if sender and key and item.kind == OutboxKind.EDOC:
            axis_status_queue(item, code=REJECTED, description=f"Từ chối tiếp nhận: {reason}")
    return item


def _agency(code: str) -> Unit:
    agency = Unit.objects.filter(organ_id=code, external=False, kind="agency", is_active=True).first()
    if agency is None:
        raise PackageRefusedError(f"Cơ quan nhận có mã định danh “{code}” không thuộc hệ thống này.")
    return agency


def _date(value: str) -> dt.date | None:
    try:
        year, month, day = (int(part) for part in value.split("/"))
        return dt.date(year, month, day)
    except ValueError:
        return None


def _doc_type(name: str) -> DocumentType:
    found = DocumentType.objects.filter(name__iexact=name.strip(), is_active=True).first() if name else None
    return found or DocumentType.objects.get(name="Công văn")


# A secrecy stamp where the field puts it (Phụ lục VI field 14 "Mức độ khẩn, độ mật" = edXML Priority):
# the incoming entry point then refuses the package with its one message (state secrets never enter).
_SECRECY = {"mat": Secrecy.SECRET, "toi mat": Secrecy.TOP_SECRET, "tuyet mat": Secrecy.ULTRA_SECRET}


def incoming_data_of(edoc: m.Edoc) -> IncomingData:
    """Phụ lục VI metadata from a document package (lenient: odd values are left empty)."""
    h = edoc.header
    pages = h.other_info.page_amount
    urgency = h.other_info.priority
    return IncomingData(
        doc_type=_doc_type(h.document_type.type_name),
        subject=h.subject[:500],
        organ_name=(h.from_.organ_name or h.from_.organ_id)[:200],
        code_number=h.code.code_number[:11],
        code_notation=h.code.code_notation[:30],
        issued_date=_date(h.promulgation_info.promulgation_date),
        organ_id=h.from_.organ_id[:13] if len(h.from_.organ_id) <= 13 else "",
        page_amount=int(pages) if pages.isdigit() and 0 < int(pages) <= 999 else None,
        signer_position=h.signer_info.position[:100],
        signer_name=h.signer_info.full_name[:50],
        urgency=int(urgency) if urgency in ("0", "1", "2", "3") else 0,
        to_places="; ".join(h.to_places)[:1000],
        due_date=_date(h.due_date),
        document_identifier=h.document_id[:100],
        secrecy=_SECRECY.get(fold(h.other_info.priority).strip(), ""),
    )


def _files(parsed: Parsed) -> list[IncomingFile]:
    assert isinstance(parsed.package, m.Edoc)
    out: list[IncomingFile] = []
    for attachment in parsed.package.attachments:
        if attachment.path is None:
            continue
        with attachment.path.open("rb") as stream:
            stored = file_intake(
                actor=None,
                stream=stream,
                original_name=attachment.attachment_name or attachment.path.name,
                channel=FileChannel.AXIS,
                declared_size=attachment.size or None,
            )
        out.append(IncomingFile(stored_file=stored, kind=AttachmentKind.APPENDIX if out else AttachmentKind.MAIN))
    return out


def _ours(sender: str, agency: Unit, document_id: str) -> Document | None:
    """Our copy of a document received from ``sender``."""
    if not document_id:
        return None
    item = (
        InboxItem.objects.select_related("document")
        .filter(sender=sender, recipient=agency.organ_id, key=document_id, state=InboxState.REGISTERED)
        .first()
    )
    return item.document if item is not None else None


def _withdraw(copy: Document, *, business_type: int, reason: str, sender: str) -> None:
    copy = Document.objects.select_for_update().get(pk=copy.pk)
    if copy.status == DocumentStatus.WITHDRAWN:
        return
    copy.status = DocumentStatus.WITHDRAWN
    copy.save(update_fields=["status"])
    label = {1: "Thu hồi", 2: "Cập nhật", 3: "Thay thế"}.get(business_type, "Thu hồi")
    event_record(
        copy,
        actor=None,
        action="recalled",
        text=f"{label} (qua trục liên thông, {sender}): {reason}"[:2000],
        data={"business_type": business_type, "channel": "axis"},
    )


def _edoc_take(taken: _Taken, parsed: Parsed, *, blob: Blob, signature: str) -> InboxItem:
    edoc = parsed.package
    assert isinstance(edoc, m.Edoc)
    message, h = taken.message, edoc.header
    sender = h.from_.organ_id or message.sender
    agency = _agency(message.recipient)
    btype = (
        int(edoc.bussiness.bussiness_doc_type) if edoc.bussiness and edoc.bussiness.bussiness_doc_type.isdigit() else 0
    )
    reason = edoc.bussiness.bussiness_doc_reason if edoc.bussiness else ""
    key = h.document_id or f"sha256:{blob.sha256}"
    now = timezone.now()
    base = {
        "message_id": message.id,
        "kind": OutboxKind.EDOC,
        "sender": sender[:35],
        "recipient": message.recipient[:35],
        "key": key[:200],
        "business_type": btype,
        "package": blob,
        "signature": signature,
        "received_at": now,
    }
    if btype in (1, 2):  # revoke / update: about a document we hold, nothing new to register
        about = (h.response_for[0].document_id if h.response_for else "") or (
            edoc.bussiness.document_id if edoc.bussiness else ""
        )
        copy = _ours(sender, agency, about)
        if copy is None:
            raise PackageRefusedError(f"Không có văn bản “{about or '—'}” của {sender} để thu hồi, cập nhật.")
        if btype == 1:
            _withdraw(copy, business_type=1, reason=reason, sender=sender)
        else:
            event_record(copy, actor=None, action="recalled", text=f"Cập nhật (qua trục liên thông): {reason}"[:2000])
        item = InboxItem.objects.create(**base, state=InboxState.APPLIED, document=copy)
        origin = InboxItem.objects.get(sender=sender, recipient=agency.organ_id, key=about, state=InboxState.REGISTERED)
        axis_status_queue(origin, code=CHANGE_ACCEPTED, description="Đồng ý thu hồi, cập nhật")
        return item
    if InboxItem.objects.filter(
        sender=base["sender"], recipient=base["recipient"], key=base["key"], state=InboxState.REGISTERED
    ).exists():
        return InboxItem.objects.create(**base, state=InboxState.DUPLICATE, reason="Gói tin đã tiếp nhận trước đó")
    try:
        data = incoming_data_of(edoc)
        secrecy_refuse(data.secrecy)  # before any file is taken in
        with transaction.atomic():
            received = incoming_receive(
                actor=None,
                agency=agency,
                channel=Channel.AXIS,
                data=data,
                files=_files(parsed),
                register=False,
                confirm_duplicate=True,
                received_at=now,
            )
            item = InboxItem.objects.create(**base, state=InboxState.REGISTERED, document=received.document)
    except IntegrityError:  # the same package taken at the same moment by another worker
        return InboxItem.objects.create(**base, state=InboxState.DUPLICATE, reason="Gói tin đã tiếp nhận trước đó")
    except DomainError as exc:
        raise PackageRefusedError(exc.message) from None
    if btype == 3 and edoc.bussiness is not None:
        for replaced in edoc.bussiness.replacements:
            copy = _ours(sender, agency, replaced.document_id)
            if copy is not None:
                _withdraw(
                    copy,
                    business_type=3,
                    reason=f"Bị thay thế bởi văn bản {h.code.code_number}/{h.code.code_notation}",
                    sender=sender,
                )
    axis_status_queue(item, code="01", description="Đã đến hệ thống của nơi nhận")
    return item


def _status_apply(message: ReceivedMessage, status: m.Status, *, blob: Blob) -> InboxItem:
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
    if (
        code in Status.values
        and code in {s.value for s in RANK}
        and RANK[Status(code)] > RANK.get(Status(delivery.status), 0)
    ):
        delivery.status, delivery.status_at = code, now
        delivery.save(update_fields=["status", "status_at"])
    elif code in ("15", "16"):
        delivery.recall_pending = False
        delivery.save(update_fields=["recall_pending"])
    StatusChange.objects.create(
        delivery=delivery,
        status=code if code in Status.values else delivery.status,
        text=text[:500],
        staff=staff[:150],
        created_at=now,
    )
    if code == REJECTED:
        event_record(
            delivery.document,
            actor=None,
            action="delivery_status",
            text=f"{delivery.organ_name}: từ chối tiếp nhận — {text}"[:2000],
            data={"delivery": delivery.pk, "status": code, "staff": staff},
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
        _withdraw(copy, business_type=1, reason="Cơ quan gửi lấy lại văn bản (trạng thái 13)", sender=sender)
        axis_status_queue(origin, code=CHANGE_ACCEPTED, description="Đồng ý cho lấy lại văn bản")
    else:
        axis_status_queue(
            origin, code=CHANGE_REJECTED, description="Văn bản đã vào sổ, không lấy lại tự động: liên hệ văn thư"
        )
    return InboxItem.objects.create(**base, state=InboxState.APPLIED, document=copy)
