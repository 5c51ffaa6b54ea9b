"""The one entry point every channel calls to create a received document (clerk upload of an e-mailed
file or a scan now; internal delivery and the national axis later), and registration in the register."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from qlvb.assignments.notify import notify_after_commit
from qlvb.core import audit
from qlvb.core.errors import Conflict, DomainError, ValidationFailed
from qlvb.core.permissions import require
from qlvb.core.text import nfc
from qlvb.directory.models import Unit, User
from qlvb.documents.events import event_record
from qlvb.documents.models import (
    MAX,
    Channel,
    Direction,
    Document,
    DocumentStatus,
    DocumentType,
    Urgency,
)
from qlvb.documents.numbering import register_for, register_take_number
from qlvb.documents.secrecy import secrecy_refuse

from . import conf, people, policies
from .attaching import IncomingFile, attachments_add
from .errors import ErrorCode
from .fields import INCOMING_FIELDS, TEXT_FIELDS, label, max_length, values_of
from .preconditions import check_register


@dataclass
class IncomingData:
    """The Phụ lục VI incoming metadata a channel provides (the rest is filled in automatically): the
    fields of ``fields.INCOMING_FIELDS``, typed."""

    doc_type: DocumentType
    subject: str
    organ_name: str
    code_number: str = ""
    code_notation: str = ""
    issued_date: dt.date | None = None
    organ_id: str = ""
    language: str = "Tiếng Việt"
    page_amount: int | None = None
    description: str = ""
    signer_position: str = ""
    signer_name: str = ""
    urgency: int = Urgency.NORMAL
    secrecy: str = ""
    to_places: str = ""
    due_date: dt.date | None = None
    document_identifier: str = ""

    @classmethod
    def of(cls, document: Document, *, omit: tuple[str, ...] = ()) -> IncomingData:
        """The metadata of an existing document (``omit``: fields a channel does not carry)."""
        return cls(**values_of(document, omit=omit))


# One definition: the dataclass holds exactly the fields of the list.
assert {f.name for f in fields(IncomingData)} == set(INCOMING_FIELDS)


@dataclass
class ReceiveResult:
    document: Document
    duplicate_of: Document | None = None
    attachments: list[Any] = field(default_factory=list)


class DuplicateWarning(Conflict):
    """The document seems already registered (Phụ lục VI III.1.h); the clerk must confirm."""

    def __init__(self, earlier: Document):
        super().__init__(
            f"Văn bản có thể đã được tiếp nhận: số đến {earlier.arrival_number or '—'}, "
            f"{earlier.number_notation or 'không số'} của {earlier.organ_name} — “{earlier.subject[:120]}”. "
            "Kiểm tra văn bản đã có rồi xác nhận tiếp nhận hoặc hủy.",
            code=ErrorCode.DUPLICATE,
            details={
                "duplicate_of": earlier.pk,
                "arrival_number": earlier.arrival_number,
                "number_notation": earlier.number_notation,
                "subject": earlier.subject,
            },
        )
        self.earlier = earlier


def refuse_past_due(due_date: dt.date | None, *, today: dt.date | None = None) -> None:
    """The document's own "thời hạn giải quyết" may not lie before today when a clerk enters it (it would be
    "quá hạn" at once). The issue date may of course be past. A system channel (internal delivery, the
    axis) keeps the sender's date as sent: the clerk corrects it if needed."""
    today = today or timezone.localdate()
    if due_date is not None and due_date < today:
        raise ValidationFailed(
            f"Thời hạn giải quyết {due_date:%d/%m/%Y} đã qua: chọn một ngày từ hôm nay ({today:%d/%m/%Y}) trở đi "
            "(ngày ban hành thì được ở quá khứ).",
            details={"field": "due_date"},
        )


def clean_data(data: IncomingData) -> IncomingData:
    """NFC, required fields, Phụ lục VI maximum lengths, ranges. Refuses state secrets first."""
    secrecy_refuse(data.secrecy)
    for f in fields(data):
        value = getattr(data, f.name)
        if isinstance(value, str):
            setattr(data, f.name, nfc(value))
    if not data.subject:
        raise ValidationFailed("Cần nhập trích yếu nội dung văn bản.", details={"field": "subject"})
    if not data.organ_name:
        raise ValidationFailed("Cần nhập tên cơ quan ban hành văn bản.", details={"field": "organ_name"})
    for name in TEXT_FIELDS:
        limit = max_length(name)
        if len(getattr(data, name)) > limit:
            raise ValidationFailed(
                f"{label(name)} dài quá {limit} ký tự (Nghị định 30/2020, Phụ lục VI).",
                details={"field": name, "max_length": limit},
            )
    if data.urgency not in Urgency.values:
        raise ValidationFailed("Độ khẩn không hợp lệ.", details={"field": "urgency"})
    if data.page_amount is not None and not 0 < data.page_amount <= MAX["page_amount"]:
        raise ValidationFailed("Số trang phải từ 1 đến 999.", details={"field": "page_amount"})
    if not data.doc_type.is_active:
        raise ValidationFailed("Loại văn bản này không còn được dùng.", details={"field": "doc_type"})
    return data


def duplicate_find(*, agency: Unit, data: IncomingData, year: int, exclude: int | None = None) -> Document | None:
    """An earlier incoming document of ``agency`` with the same document identifier, or with the same
    number + notation + issuing organ in the same year."""
    conditions = Q()
    if data.document_identifier:
        conditions |= Q(document_identifier=data.document_identifier)
    if data.code_number and data.code_notation:
        organ = Q(organ_id=data.organ_id) if data.organ_id else Q(organ_name__iexact=data.organ_name)
        same_year = Q(issued_date__year=data.issued_date.year) if data.issued_date else Q(year=year)
        conditions |= Q(code_number=data.code_number, code_notation=data.code_notation) & organ & same_year
    if not conditions:
        return None
    query = Document.objects.filter(conditions, agency=agency, direction=Direction.INCOMING)
    if exclude is not None:
        query = query.exclude(pk=exclude)
    return query.order_by("received_at", "pk").first()


def _register(document: Document, *, actor: User | None) -> None:
    today = timezone.localdate()
    register = register_for(agency=document.agency, direction=Direction.INCOMING, year=today.year)
    document.register = register
    document.arrival_number = register_take_number(register)
    document.arrival_date = today
    document.year = today.year
    document.registered_at = timezone.now()
    document.status = DocumentStatus.REGISTERED
    document.save(update_fields=["register", "arrival_number", "arrival_date", "year", "registered_at", "status"])
    event_record(
        document,
        actor=actor,
        action="registered",
        text=f"Số đến {document.arrival_number}, ngày đến {today:%d/%m/%Y}.",
        data={"arrival_number": document.arrival_number, "register": register.pk},
    )
    audit.record("incoming.registered", actor=actor, obj=document, data={"arrival_number": document.arrival_number})


@transaction.atomic
def incoming_receive(
    *,
    actor: User | None,
    agency: Unit,
    channel: str,
    data: IncomingData,
    files: list[IncomingFile] | None = None,
    register: bool = True,
    confirm_duplicate: bool = False,
    received_at: dt.datetime | None = None,
    assigns_tasks: bool = False,
) -> ReceiveResult:
    """Create a received document of ``agency`` and (by default) register it.

    ``actor`` is the clerk for the clerk's channels; ``None`` for a system channel (internal delivery,
    national axis), which then leaves the document "chờ vào sổ" for the clerk (``register=False``).
    Raises :class:`DuplicateWarning` unless ``confirm_duplicate``.
    """
    if actor is not None:
        require(actor, policies.RECEIVE, unit=agency)
    elif register:
        raise DomainError("Chỉ văn thư mới vào sổ văn bản đến.")
    if not agency.is_agency or agency.external:
        raise ValidationFailed("Chỉ cơ quan trong hệ thống mới tiếp nhận văn bản đến.")
    if channel not in Channel.values:
        raise ValidationFailed("Kênh tiếp nhận không hợp lệ.")
    data = clean_data(data)
    if actor is not None:
        refuse_past_due(data.due_date)
    now = received_at or timezone.now()
    earlier = duplicate_find(agency=agency, data=data, year=timezone.localdate(now).year)
    if earlier is not None and not confirm_duplicate:
        raise DuplicateWarning(earlier)

    document = Document(
        direction=Direction.INCOMING,
        agency=agency,
        status=DocumentStatus.RECEIVED,
        channel=channel,
        received_at=now,
        created_by=actor if actor is not None else None,
        duplicate_of=earlier,
        assigns_tasks=assigns_tasks,
        **{f.name: getattr(data, f.name) for f in fields(data)},
    )
    document.save()
    event_record(
        document,
        actor=actor,
        action="received",
        text=f"Tiếp nhận qua {Channel(channel).label.lower()}.",
        data={"channel": channel},
    )
    if earlier is not None:
        event_record(
            document,
            actor=actor,
            action="duplicate_confirmed",
            text=f"Văn thư xác nhận tiếp nhận dù trùng với văn bản số đến {earlier.arrival_number}.",
            data={"duplicate_of": earlier.pk},
        )
    result = ReceiveResult(document=document, duplicate_of=earlier)
    if files:
        result.attachments = attachments_add(actor=actor, document=document, files=files, checked=True)
    if register:
        _register(document, actor=actor)
    elif actor is None:
        notify_after_commit(
            users=people.clerks_of(agency),
            kind="new_document",
            text=f"Văn bản mới chờ vào sổ: {document.subject[:200]}",
            document_id=document.pk,
        )
    return result


@transaction.atomic
def incoming_register(*, actor: User, document: Document, confirm_duplicate: bool = False) -> Document:
    """Register a document received by a system channel (status "chờ vào sổ")."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    check_register(actor, document)
    secrecy_refuse(document.secrecy)
    data = IncomingData.of(document)
    earlier = duplicate_find(agency=document.agency, data=data, year=timezone.localdate().year, exclude=document.pk)
    if earlier is not None and not confirm_duplicate:
        raise DuplicateWarning(earlier)
    if earlier is not None:
        document.duplicate_of = earlier
        document.save(update_fields=["duplicate_of"])
        event_record(
            document,
            actor=actor,
            action="duplicate_confirmed",
            text=f"Văn thư xác nhận vào sổ dù trùng với văn bản số đến {earlier.arrival_number}.",
            data={"duplicate_of": earlier.pk},
        )
    _register(document, actor=actor)
    return document


def registration_deadline(received: dt.date) -> dt.date:
    """End of the next working day after ``received`` (Điều 4.2). Saturdays, Sundays and the configured
    public holidays are not working days, unless declared a make-up working day (``conf.is_working_day``)."""
    day = received + dt.timedelta(days=1)
    for _ in range(60):  # a misconfigured list never loops forever
        if conf.is_working_day(day):
            break
        day += dt.timedelta(days=1)
    return day


def is_registration_late(document: Document, *, today: dt.date | None = None) -> bool:
    if document.status != DocumentStatus.RECEIVED:
        return False
    today = today or timezone.localdate()
    return today > registration_deadline(timezone.localdate(document.received_at))
