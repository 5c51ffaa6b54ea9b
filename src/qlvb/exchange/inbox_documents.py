"""A document package taken from the national axis inbox (docs/axis.md, "Engine"): a new document
received through the one incoming entry point (``incoming_receive``, channel "axis", idempotent on
DocumentId + sender), or a revocation, update or replacement applied to the copy we hold."""

from __future__ import annotations

import datetime as dt

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

from .edxml import model as m
from .edxml.parse import Parsed
from .edxml.status import ARRIVED, CHANGE_ACCEPTED
from .inbox_updates import UpdateRefusedError, update_apply
from .outbox import axis_status_queue
from .queue_models import InboxItem, InboxState, OutboxKind
from .transport import ReceivedMessage


class PackageRefusedError(Exception):
    """The package cannot be taken; ``reason`` (Vietnamese) is stored and answered with status 02."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


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


def withdraw(copy: Document, *, business_type: int, reason: str, sender: str) -> None:
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


def _update(copy: Document, *, agency: Unit, edoc: m.Edoc, parsed: Parsed, sender: str) -> tuple[str, str]:
    """A received update (2) applied to our copy (``inbox_updates``); its files are taken in only for a copy
    the update may still change (not registered) or to show the clerk."""
    try:
        data = incoming_data_of(edoc)
        secrecy_refuse(data.secrecy)  # before any file is taken in
        with transaction.atomic():
            return update_apply(copy, agency=agency, edoc=edoc, data=data, files=_files(parsed), sender=sender)
    except UpdateRefusedError as exc:
        raise PackageRefusedError(exc.reason) from None
    except DomainError as exc:
        raise PackageRefusedError(exc.message) from None


def edoc_take(message: ReceivedMessage, parsed: Parsed, *, blob: Blob, signature: str) -> InboxItem:
    """A document package: a revocation or update applied to our copy, a duplicate noted, or a new document
    received through the incoming entry point (a replacement withdraws the copies it replaces), answered
    01. Raises :class:`PackageRefusedError` with the Vietnamese reason when it cannot be taken."""
    edoc = parsed.package
    assert isinstance(edoc, m.Edoc)
    h = edoc.header
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
        code, answer = CHANGE_ACCEPTED, "Đồng ý thu hồi văn bản"
        if btype == 1:
            withdraw(copy, business_type=1, reason=reason, sender=sender)
        else:
            code, answer = _update(copy, agency=agency, edoc=edoc, parsed=parsed, sender=sender)
        item = InboxItem.objects.create(**base, state=InboxState.APPLIED, document=copy)
        origin = InboxItem.objects.get(sender=sender, recipient=agency.organ_id, key=about, state=InboxState.REGISTERED)
        axis_status_queue(origin, code=code, description=answer)
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
                withdraw(
                    copy,
                    business_type=3,
                    reason=f"Bị thay thế bởi văn bản {h.code.code_number}/{h.code.code_notation}",
                    sender=sender,
                )
    axis_status_queue(item, code=ARRIVED, description="Đã đến hệ thống của nơi nhận")
    return item
