"""The incoming flow under ``/api/v1/incoming``: the same selectors and services as the pages.

Files are uploaded first through ``POST /api/v1/files`` (the foundation's intake) and then named by id
when receiving a document; only files the caller uploaded can be attached."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from ninja.responses import Status

from qlvb.assignments.models import Assignment, Extension
from qlvb.core.bounds import Id, PageNumber, SmallCount
from qlvb.core.errors import NotFound, ValidationFailed
from qlvb.directory.selectors import unit_get, user_get
from qlvb.documents.events import event_label
from qlvb.documents.models import Document, DocumentType
from qlvb.files.models import StoredFile
from qlvb.files.responses import file_response
from qlvb.files.services import file_open

from . import reports, selectors, services, verification
from .handling import can_act

router = Router(tags=["incoming"])
PAGE_SIZE = 20


# --- Schemas ------------------------------------------------------------------------


class DocumentRow(Schema):
    id: int
    status: str
    urgency: int
    doc_type: str
    number_notation: str
    issued_date: dt.date | None
    organ_name: str
    subject: str
    arrival_number: int | None
    arrival_date: dt.date | None
    due_date: dt.date | None  # the document's own "thời hạn giải quyết"
    my_due_date: dt.date | None = None  # in lists: the caller's own open assignment's deadline


class DocumentPage(Schema):
    count: int
    page: int
    pages: int
    results: list[DocumentRow]


class AttachmentOut(Schema):
    id: int
    kind: str
    name: str
    page_count: int | None
    size: int
    sha256: str
    signature_status: str  # "", pending, valid, invalid, unknown, unsigned, error
    signature_label: str
    signature_reasons: list[str]
    signature_report_id: int | None
    signature_checked_at: dt.datetime | None
    version: int = 1
    current: bool = True  # False: an earlier version, replaced (still downloadable)
    replaces_id: int | None = None


class AssignmentOut(Schema):
    id: int
    parent_id: int | None
    role: str
    unit_id: int
    unit_name: str
    user_id: int | None
    user_name: str
    assigned_by: str
    due_date: dt.date | None
    status: str
    progress: int
    result: str
    reminders: int


class EventOut(Schema):
    at: dt.datetime
    actor: str
    action: str
    label: str
    text: str


class DocumentOut(DocumentRow):
    code_number: str
    code_notation: str
    organ_id: str
    language: str
    page_amount: int | None
    description: str
    signer_position: str
    signer_name: str
    to_places: str
    document_identifier: str
    channel: str
    agency_organ_id: str
    year: int | None
    duplicate_of: int | None
    actions: list[str]
    attachments: list[AttachmentOut]
    assignments: list[AssignmentOut]
    events: list[EventOut]


class FileRef(Schema):
    file_id: Id
    kind: str = "main"


class ReceiveIn(Schema):
    channel: str = "email"
    doc_type: str  # name of the type, e.g. "Quyết định"
    subject: str
    organ_name: str
    code_number: str = ""
    code_notation: str = ""
    issued_date: dt.date | None = None
    organ_id: str = ""
    language: str = "Tiếng Việt"
    page_amount: SmallCount | None = None
    description: str = ""
    signer_position: str = ""
    signer_name: str = ""
    urgency: SmallCount = 0
    secrecy: str = ""
    to_places: str = ""
    due_date: dt.date | None = None
    document_identifier: str = ""
    files: list[FileRef] = []
    confirm_duplicate: bool = False
    defer_registration: bool = False  # True: wait in "chờ vào sổ" until the clerk has seen the signature verdicts


class FilesIn(Schema):
    files: list[FileRef]


class FileReplaceIn(Schema):
    file_id: int


class CorrectIn(Schema):
    """Only the fields sent are changed. The arrival number, date and register cannot be changed."""

    doc_type: str | None = None
    subject: str | None = None
    organ_name: str | None = None
    code_number: str | None = None
    code_notation: str | None = None
    issued_date: dt.date | None = None
    organ_id: str | None = None
    language: str | None = None
    page_amount: int | None = None
    description: str | None = None
    signer_position: str | None = None
    signer_name: str | None = None
    urgency: int | None = None
    to_places: str | None = None
    due_date: dt.date | None = None
    document_identifier: str | None = None
    arrival_number: int | None = None  # refused with a message if sent


class TargetIn(Schema):
    role: str
    unit_id: Id | None = None
    user_id: Id | None = None
    due_date: dt.date | None = None


class DirectIn(Schema):
    directive: str = ""
    targets: list[TargetIn]


class SubmitIn(Schema):
    leader_id: Id | None = None
    note: str = ""


class ReasonIn(Schema):
    reason: str


class NoteIn(Schema):
    note: str = ""


class ConfirmIn(Schema):
    confirm_duplicate: bool = False


class ReportIn(Schema):
    kind: str = "progress"
    text: str
    progress: SmallCount | None = None


class CompleteIn(Schema):
    result: str = ""


class ExtensionIn(Schema):
    new_due_date: dt.date
    reason: str


class DecideIn(Schema):
    grant: bool
    note: str = ""


class RemindIn(Schema):
    kind: str
    text: str


class FilterIn(Schema):
    box: str = "all"
    q: str = ""
    status: str = ""
    urgency: SmallCount | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    doc_type: Id | None = None
    organ: str = ""
    page: PageNumber = 1


class Ok(Schema):
    id: int
    status: str


# --- Helpers ------------------------------------------------------------------------


def _row(d: Document) -> dict[str, Any]:
    return {
        "id": d.pk,
        "status": d.status,
        "urgency": d.urgency,
        "doc_type": d.doc_type.name,
        "number_notation": d.number_notation,
        "issued_date": d.issued_date,
        "organ_name": d.organ_name,
        "subject": d.subject,
        "arrival_number": d.arrival_number,
        "arrival_date": d.arrival_date,
        "due_date": d.due_date,
        "my_due_date": getattr(d, "my_due", None),
    }


def _detail(actor: Any, d: Document) -> dict[str, Any]:
    out = _row(d)
    out.update(
        {
            f: getattr(d, f)
            for f in (
                "code_number",
                "code_notation",
                "organ_id",
                "language",
                "page_amount",
                "description",
                "signer_position",
                "signer_name",
                "to_places",
                "document_identifier",
                "channel",
                "year",
            )
        }
    )
    out["agency_organ_id"] = d.agency.organ_id
    out["duplicate_of"] = d.duplicate_of_id
    out["actions"] = sorted(can_act(actor, d))
    attachments = list(d.attachments.select_related("stored_file__blob"))
    verdicts = verification.verdicts_for(attachments)
    out["attachments"] = [
        {
            "id": a.pk,
            "kind": a.kind,
            "name": a.name,
            "page_count": a.page_count,
            "size": a.stored_file.blob.size,
            "sha256": a.stored_file.blob.sha256,
            "signature_status": a.signature_status,
            "signature_label": verdicts[a.pk].label if a.pk in verdicts else "",
            "signature_reasons": verdicts[a.pk].reasons if a.pk in verdicts else [],
            "signature_report_id": a.signature_report_id,
            "signature_checked_at": a.signature_checked_at,
            "version": a.version,
            "current": a.superseded_at is None,
            "replaces_id": a.replaces_id,
        }
        for a in attachments
    ]
    out["assignments"] = [
        {
            "id": a.pk,
            "parent_id": a.parent_id,
            "role": a.role,
            "unit_id": a.unit_id,
            "unit_name": a.unit.name,
            "user_id": a.user_id,
            "user_name": a.user.full_name if a.user else "",
            "assigned_by": a.assigned_by.full_name,
            "due_date": a.due_date,
            "status": a.status,
            "progress": a.progress,
            "result": a.result,
            "reminders": len(a.reminders.all()),
        }
        for a in selectors.assignments_of(d)
    ]
    out["events"] = [
        {"at": e.created_at, "actor": e.actor_name, "action": e.action, "label": event_label(e.action), "text": e.text}
        for e in d.events.all()
    ]
    return out


def _targets(actor: Any, items: list[TargetIn]) -> list[services.Target]:
    """Units and people the caller may see; any other id answers as an unknown one (no names leak)."""
    return [
        services.Target(
            role=t.role,
            due_date=t.due_date,
            unit=unit_get(actor, t.unit_id) if t.unit_id else None,
            user=user_get(actor, t.user_id) if t.user_id else None,
        )
        for t in items
    ]


def _ok(obj: Document | Assignment | Extension) -> dict[str, Any]:
    return {"id": obj.pk, "status": obj.status}


# --- Lists and reads ------------------------------------------------------------------------


@router.get("/boxes", response=dict[str, int], summary="Số văn bản trong từng hộp của người dùng")
def boxes(request: HttpRequest) -> dict[str, int]:
    return selectors.inbox_counts(request.user, selectors.inboxes_for(request.user))


@router.get("/", response=DocumentPage, summary="Danh sách văn bản đến (theo hộp, lọc, tìm nhanh; 20 mỗi trang)")
def document_list(request: HttpRequest, f: Query[FilterIn]) -> dict[str, Any]:
    query = selectors.apply_filters(
        selectors.inbox(request.user, f.box),
        selectors.Filters(
            q=f.q,
            status=f.status,
            urgency=f.urgency,
            date_from=f.date_from,
            date_to=f.date_to,
            doc_type=f.doc_type,
            organ=f.organ,
        ),
    )
    count = query.count()
    page = max(1, f.page)
    rows = selectors.document_list(query, request.user)[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return {"count": count, "page": page, "pages": max(1, -(-count // PAGE_SIZE)), "results": [_row(d) for d in rows]}


@router.post("/", response={201: DocumentOut}, summary="Tiếp nhận và vào sổ văn bản đến")
def receive(request: HttpRequest, payload: ReceiveIn) -> Status:
    user: Any = request.user
    agency = user.unit.agency if user.unit else None
    if agency is None:
        raise ValidationFailed("Tài khoản chưa thuộc cơ quan nào.")
    doc_type = DocumentType.objects.filter(name=payload.doc_type).first()
    if doc_type is None:
        raise ValidationFailed(f"Không có loại văn bản “{payload.doc_type}”.", details={"field": "doc_type"})
    files = []
    for ref in payload.files:
        stored = StoredFile.objects.select_related("blob").filter(pk=ref.file_id, uploaded_by=user).first()
        if stored is None:
            raise NotFound(f"Không có tệp số {ref.file_id} do bạn tải lên.")
        files.append(services.IncomingFile(stored, kind=ref.kind))
    fields = payload.dict(exclude={"channel", "doc_type", "files", "confirm_duplicate", "defer_registration"})
    result = services.incoming_receive(
        actor=user,
        agency=agency,
        channel=payload.channel,
        data=services.IncomingData(doc_type=doc_type, **fields),
        files=files,
        confirm_duplicate=payload.confirm_duplicate,
        register=not payload.defer_registration,
    )
    return Status(201, _detail(user, selectors.document_get(user, result.document.pk)))


@router.get("/{int:doc_id}", response=DocumentOut, summary="Chi tiết văn bản đến, tệp, phân công, lịch sử xử lý")
def detail(request: HttpRequest, doc_id: Id) -> dict[str, Any]:
    return _detail(request.user, selectors.document_get(request.user, doc_id))


@router.get("/{int:doc_id}/files/{int:attachment_id}", response={200: None}, summary="Tải tệp của văn bản")
def attachment(request: HttpRequest, doc_id: Id, attachment_id: Id) -> FileResponse:
    doc = selectors.document_get(request.user, doc_id)
    found = doc.attachments.select_related("stored_file__blob").filter(pk=attachment_id).first()
    if found is None:
        raise NotFound()
    return file_response(file_open(actor=request.user, stored_file=found.stored_file, authorised=True))


@router.post(
    "/{int:doc_id}/files/{int:attachment_id}/verify",
    response=AttachmentOut,
    summary="Kiểm tra lại chữ ký số của tệp (chạy nền; trạng thái pending đến khi có kết quả)",
)
def verify_again(request: HttpRequest, doc_id: Id, attachment_id: Id) -> dict[str, Any]:
    doc = selectors.document_get(request.user, doc_id)
    found = doc.attachments.select_related("stored_file__blob").filter(pk=attachment_id).first()
    if found is None:
        raise NotFound()
    services.attachment_verify_again(actor=request.user, attachment=found)
    return next(a for a in _detail(request.user, doc)["attachments"] if a["id"] == found.pk)


def _own_upload(user: Any, file_id: int) -> StoredFile:
    stored = StoredFile.objects.select_related("blob").filter(pk=file_id, uploaded_by=user).first()
    if stored is None:
        raise NotFound(f"Không có tệp số {file_id} do bạn tải lên.")
    return stored


@router.post(
    "/{int:doc_id}/files",
    response={201: list[AttachmentOut]},
    summary="Thêm tệp (tệp chính còn thiếu, phụ lục) cho văn bản đã tiếp nhận",
)
def files_add(request: HttpRequest, doc_id: Id, payload: FilesIn) -> Status:
    doc = selectors.document_get(request.user, doc_id)
    created = services.incoming_files_add(
        actor=request.user,
        document=doc,
        files=[services.IncomingFile(_own_upload(request.user, ref.file_id), kind=ref.kind) for ref in payload.files],
    )
    ids = {a.pk for a in created}
    return Status(201, [a for a in _detail(request.user, doc)["attachments"] if a["id"] in ids])


@router.post(
    "/{int:doc_id}/files/{int:attachment_id}/replace",
    response={201: AttachmentOut},
    summary="Thay tệp bằng phiên bản mới (phiên bản cũ vẫn được lưu và tải được)",
)
def file_replace(request: HttpRequest, doc_id: Id, attachment_id: Id, payload: FileReplaceIn) -> Status:
    doc = selectors.document_get(request.user, doc_id)
    found = doc.attachments.filter(pk=attachment_id).first()
    if found is None:
        raise NotFound()
    new = services.incoming_file_replace(
        actor=request.user, document=doc, attachment=found, stored_file=_own_upload(request.user, payload.file_id)
    )
    return Status(201, next(a for a in _detail(request.user, doc)["attachments"] if a["id"] == new.pk))


@router.post(
    "/{int:doc_id}/correct",
    response=DocumentOut,
    summary="Sửa thông tin văn bản (chỉ các trường gửi lên; không sửa được số đến, sổ)",
)
def correct(request: HttpRequest, doc_id: Id, payload: CorrectIn) -> dict[str, Any]:
    doc = selectors.document_get(request.user, doc_id)
    changes: dict[str, Any] = payload.dict(exclude_unset=True)
    if "doc_type" in changes:
        doc_type = DocumentType.objects.filter(name=changes["doc_type"]).first()
        if doc_type is None:
            raise ValidationFailed(f"Không có loại văn bản “{changes['doc_type']}”.", details={"field": "doc_type"})
        changes["doc_type"] = doc_type
    services.incoming_correct(actor=request.user, document=doc, changes=changes)
    return _detail(request.user, selectors.document_get(request.user, doc_id))


# --- Document actions ------------------------------------------------------------------------


@router.post("/{int:doc_id}/reject", response=Ok, summary="Từ chối tiếp nhận văn bản (lý do; trạng thái edXML 02)")
def reject(request: HttpRequest, doc_id: Id, payload: ReasonIn) -> dict[str, Any]:
    doc = selectors.document_get(request.user, doc_id)
    return _ok(services.incoming_reject(actor=request.user, document=doc, reason=payload.reason))


@router.post("/{int:doc_id}/register", response=Ok, summary="Vào sổ văn bản đã tiếp nhận (kênh hệ thống)")
def register(request: HttpRequest, doc_id: Id, payload: ConfirmIn) -> dict[str, Any]:
    doc = selectors.document_get(request.user, doc_id)
    return _ok(
        services.incoming_register(actor=request.user, document=doc, confirm_duplicate=payload.confirm_duplicate)
    )


@router.post("/{int:doc_id}/submit", response=Ok, summary="Trình lãnh đạo")
def submit(request: HttpRequest, doc_id: Id, payload: SubmitIn) -> dict[str, Any]:
    doc = selectors.document_get(request.user, doc_id)
    leader = user_get(request.user, payload.leader_id) if payload.leader_id else None
    return _ok(services.incoming_submit(actor=request.user, document=doc, leader=leader, note=payload.note))


@router.post("/{int:doc_id}/return", response=Ok, summary="Lãnh đạo trả lại văn thư")
def return_to_clerk(request: HttpRequest, doc_id: Id, payload: ReasonIn) -> dict[str, Any]:
    doc = selectors.document_get(request.user, doc_id)
    return _ok(services.incoming_return_to_clerk(actor=request.user, document=doc, reason=payload.reason))


@router.post("/{int:doc_id}/direct", response=list[Ok], summary="Ý kiến chỉ đạo: chủ trì, phối hợp, để biết, hạn")
def direct(request: HttpRequest, doc_id: Id, payload: DirectIn) -> list[dict[str, Any]]:
    doc = selectors.document_get(request.user, doc_id)
    return [
        _ok(a)
        for a in services.incoming_direct(
            actor=request.user,
            document=doc,
            directive=payload.directive,
            targets=_targets(request.user, payload.targets),
        )
    ]


@router.post("/{int:doc_id}/handle-self", response=Ok, summary="Lãnh đạo trực tiếp xử lý")
def handle_self(request: HttpRequest, doc_id: Id, payload: NoteIn) -> dict[str, Any]:
    doc = selectors.document_get(request.user, doc_id)
    return _ok(services.incoming_handle_self(actor=request.user, document=doc, note=payload.note))


@router.post("/{int:doc_id}/route", response=list[Ok], summary="Văn thư chuyển thẳng đơn vị xử lý (nếu cho phép)")
def route(request: HttpRequest, doc_id: Id, payload: DirectIn) -> list[dict[str, Any]]:
    doc = selectors.document_get(request.user, doc_id)
    return [
        _ok(a)
        for a in services.incoming_route(
            actor=request.user, document=doc, note=payload.directive, targets=_targets(request.user, payload.targets)
        )
    ]


# --- Assignment actions ------------------------------------------------------------------------


@router.post("/assignments/{int:aid}/assign", response=list[Ok], summary="Lãnh đạo phòng phân công trong phòng")
def assign(request: HttpRequest, aid: Id, payload: DirectIn) -> list[dict[str, Any]]:
    a = selectors.assignment_get(request.user, aid)
    return [
        _ok(x)
        for x in services.assignment_assign(
            actor=request.user, assignment=a, note=payload.directive, targets=_targets(request.user, payload.targets)
        )
    ]


@router.post("/assignments/{int:aid}/return", response=Ok, summary="Trả lại phần việc")
def assignment_return(request: HttpRequest, aid: Id, payload: ReasonIn) -> dict[str, Any]:
    a = selectors.assignment_get(request.user, aid)
    return _ok(services.assignment_return(actor=request.user, assignment=a, reason=payload.reason))


@router.post("/assignments/{int:aid}/report", response=Ok, summary="Cập nhật tiến độ hoặc ý kiến")
def report(request: HttpRequest, aid: Id, payload: ReportIn) -> dict[str, Any]:
    a = selectors.assignment_get(request.user, aid)
    services.assignment_report(
        actor=request.user, assignment=a, kind=payload.kind, text=payload.text, progress=payload.progress
    )
    a.refresh_from_db()
    return _ok(a)


@router.post("/assignments/{int:aid}/complete", response=Ok, summary="Hoàn thành phần việc (kết quả)")
def complete(request: HttpRequest, aid: Id, payload: CompleteIn) -> dict[str, Any]:
    a = selectors.assignment_get(request.user, aid)
    return _ok(services.assignment_complete(actor=request.user, assignment=a, result=payload.result))


@router.post(
    "/assignments/{int:aid}/accept",
    response=Ok,
    summary="Người giao việc chấp nhận kết quả của phần chủ trì (văn bản hoàn thành)",
)
def accept(request: HttpRequest, aid: Id, payload: NoteIn) -> dict[str, Any]:
    a = selectors.assignment_get(request.user, aid)
    return _ok(services.assignment_accept(actor=request.user, assignment=a, note=payload.note))


@router.post(
    "/assignments/{int:aid}/return-result",
    response=Ok,
    summary="Người giao việc trả lại kết quả của phần chủ trì (nêu lý do)",
)
def return_result(request: HttpRequest, aid: Id, payload: ReasonIn) -> dict[str, Any]:
    a = selectors.assignment_get(request.user, aid)
    return _ok(services.assignment_return_result(actor=request.user, assignment=a, reason=payload.reason))


@router.post("/assignments/{int:aid}/extensions", response=Ok, summary="Đề nghị gia hạn")
def extension_request(request: HttpRequest, aid: Id, payload: ExtensionIn) -> dict[str, Any]:
    a = selectors.assignment_get(request.user, aid)
    return _ok(
        services.extension_request(
            actor=request.user, assignment=a, new_due_date=payload.new_due_date, reason=payload.reason
        )
    )


@router.post("/extensions/{int:eid}/decide", response=Ok, summary="Đồng ý hoặc từ chối gia hạn")
def extension_decide(request: HttpRequest, eid: Id, payload: DecideIn) -> dict[str, Any]:
    ext = Extension.objects.filter(pk=eid).first()
    if ext is None:
        raise NotFound()
    selectors.assignment_get(request.user, ext.assignment_id)
    return _ok(services.extension_decide(actor=request.user, extension=ext, grant=payload.grant, note=payload.note))


@router.post(
    "/assignments/{int:aid}/reminders",
    response={201: dict[str, int]},
    summary="Đôn đốc (nhac_nho, phe_binh, kiem_diem)",
)
def remind(request: HttpRequest, aid: Id, payload: RemindIn) -> Status:
    a = selectors.assignment_get(request.user, aid)
    reminder = services.reminder_send(actor=request.user, assignment=a, kind=payload.kind, text=payload.text)
    return Status(201, {"id": reminder.pk, "seq": reminder.seq})


# --- Outputs (Phụ lục IV) ------------------------------------------------------------------------

OUTPUTS = {
    "so-dang-ky": (reports.register_xlsx, reports.register_pdf),
    "so-theo-doi": (reports.followup_xlsx, reports.followup_pdf),
}
CONTENT_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": "application/pdf"}


class RangeIn(Schema):
    date_from: dt.date
    date_to: dt.date


def _file(content: bytes, name: str, ext: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[ext])
    response["Content-Disposition"] = f'attachment; filename="{name}.{ext}"'
    return response


@router.get(
    "/outputs/{kind}.{ext}",
    response={200: None},
    summary="Sổ đăng ký văn bản đến (so-dang-ky) / Sổ theo dõi giải quyết (so-theo-doi), xlsx hoặc pdf",
)
def output(request: HttpRequest, kind: str, ext: str, r: Query[RangeIn]) -> HttpResponse:
    user: Any = request.user
    agency = user.unit.agency if user.unit else None
    if kind not in OUTPUTS or ext not in CONTENT_TYPES or agency is None:
        raise NotFound()
    if r.date_to < r.date_from:
        raise ValidationFailed("Ngày kết thúc phải sau ngày bắt đầu.")
    build = OUTPUTS[kind][0 if ext == "xlsx" else 1]
    return _file(
        build(actor=user, agency=agency, date_from=r.date_from, date_to=r.date_to),
        f"{kind}-{r.date_from:%Y%m%d}-{r.date_to:%Y%m%d}",
        ext,
    )


@router.get(
    "/{int:doc_id}/phieu-giai-quyet.{ext}",
    response={200: None},
    summary="Phiếu giải quyết văn bản đến của một văn bản, xlsx hoặc pdf",
)
def slip(request: HttpRequest, doc_id: Id, ext: str) -> HttpResponse:
    doc = selectors.document_get(request.user, doc_id)
    if ext not in CONTENT_TYPES:
        raise NotFound()
    build = reports.slip_xlsx if ext == "xlsx" else reports.slip_pdf
    return _file(build(actor=request.user, document=doc), f"phieu-giai-quyet-{doc.arrival_number or doc.pk}", ext)
