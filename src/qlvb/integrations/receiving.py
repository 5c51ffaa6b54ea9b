"""An incoming document a system received (một cửa: a citizen's application; a partner's letter) handed
over on behalf of a clerk of its agency, through the one entry point of every channel
(``incoming.receiving.incoming_receive``): duplicate check, Phụ lục VI limits, register number.
Idempotent on the system's own id."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from qlvb.core import audit
from qlvb.core.errors import NotFound, ValidationFailed
from qlvb.directory.models import User
from qlvb.documents.models import AttachmentKind, Channel, Document
from qlvb.files.intake import file_intake
from qlvb.incoming.attaching import IncomingFile
from qlvb.incoming.receiving import IncomingData, incoming_receive
from qlvb.incoming.selectors import documents_visible_to

from .drafts import UploadedFile, _external_id
from .errors import ErrorCode
from .mapping import doc_type_for
from .models import ConnectedSystem, Handover, Scope
from .scopes import scope_require


@dataclass
class IncomingRequest:
    external_id: str
    type_code: str
    subject: str
    organ_name: str
    main_file: UploadedFile | None
    appendices: list[UploadedFile] = field(default_factory=list)
    code_number: str = ""
    code_notation: str = ""
    issued_date: dt.date | None = None
    organ_id: str = ""
    signer_name: str = ""
    signer_position: str = ""
    urgency: int = 0
    due_date: dt.date | None = None
    confirm_duplicate: bool = False


def handover_find(system: ConnectedSystem, external_id: str) -> Handover | None:
    return Handover.objects.select_related("document").filter(system=system, external_id=external_id).first()


def incoming_from_system(*, system: ConnectedSystem, person: User, request: IncomingRequest) -> tuple[Handover, bool]:
    """The registered incoming document (new: ``True``; the one already handed over under that id: ``False``)."""
    scope_require(system, Scope.REGISTER_INCOMING)
    external_id = _external_id(request.external_id)
    known = handover_find(system, external_id)
    if known is not None:
        return known, False
    doc_type = doc_type_for(system, request.type_code)
    data = IncomingData(
        doc_type=doc_type,
        subject=request.subject,
        organ_name=request.organ_name,
        code_number=request.code_number,
        code_notation=request.code_notation,
        issued_date=request.issued_date,
        organ_id=request.organ_id,
        signer_name=request.signer_name,
        signer_position=request.signer_position,
        urgency=request.urgency,
        due_date=request.due_date,
    )
    if request.main_file is None:
        raise ValidationFailed(
            "Cần gửi tệp văn bản đến (tệp chính).", code=ErrorCode.NO_MAIN_FILE, details={"field": "main"}
        )
    agency = system.agency
    files = [
        IncomingFile(
            stored_file=file_intake(
                actor=person, stream=f.stream, original_name=f.name, channel="api", declared_size=f.size
            ),
            kind=kind,
        )
        for f, kind in [
            (request.main_file, AttachmentKind.MAIN),
            *[(a, AttachmentKind.APPENDIX) for a in request.appendices],
        ]
    ]
    try:
        with transaction.atomic():
            result = incoming_receive(
                actor=person,
                agency=agency,
                channel=Channel.OTHER,
                data=data,
                files=files,
                confirm_duplicate=request.confirm_duplicate,
            )
            handover = Handover.objects.create(system=system, external_id=external_id, document=result.document)
            audit.record(
                "integrations.incoming_received",
                actor=person,
                obj=result.document,
                data={"system": system.pk, "external_id": external_id},
            )
    except IntegrityError:
        known = handover_find(system, external_id)
        if known is None:
            raise
        return known, False
    return handover, True


def handover_get(*, system: ConnectedSystem, person: User, external_id: str) -> Document:
    scope_require(system, Scope.REGISTER_INCOMING)
    handover = handover_find(system, (external_id or "")[:100])
    if handover is None or not documents_visible_to(person).filter(pk=handover.document_id).exists():
        raise NotFound("Không tìm thấy văn bản đến của hệ thống với mã này.")
    return handover.document
