"""The incoming flow under ``/api/v1/incoming``: the same selectors and services as the pages.

Files are uploaded first through ``POST /api/v1/files`` (the foundation's intake) and then named by id
when receiving a document; only files the caller uploaded can be attached."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import Query, Router
from ninja.responses import Status

from qlvb.core.bounds import Id
from qlvb.core.errors import NotFound, ValidationFailed
from qlvb.directory.models import User
from qlvb.directory.selectors import acting_user, agency_of
from qlvb.documents import seen
from qlvb.documents.events import event_label
from qlvb.documents.models import Document, DocumentType
from qlvb.documents.seen_models import SeenHow
from qlvb.files.models import StoredFile
from qlvb.files.responses import file_response
from qlvb.files.services import file_open

from . import preconditions, reports, selectors, services, verification
from .api_actions import router as actions_router
from .api_schemas import (
    AttachmentOut,
    CorrectIn,
    DocumentOut,
    DocumentPage,
    FileReplaceIn,
    FilesIn,
    FilterIn,
    IncomingSeenOut,
    RangeIn,
    ReceiveIn,
)
from .slip import slip_pdf, slip_xlsx

router = Router(tags=["incoming"])
PAGE_SIZE = 20


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
        "unseen": bool(getattr(d, "unseen", False)),
    }


def _detail(actor: User, d: Document) -> dict[str, Any]:
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
    out["actions"] = sorted(preconditions.document_actions(actor, d))
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


# --- Lists and reads ------------------------------------------------------------------------


@router.get("/boxes", response=dict[str, int], summary="Số văn bản trong từng hộp của người dùng")
def boxes(request: HttpRequest) -> dict[str, int]:
    return selectors.inbox_counts(acting_user(request), keys=selectors.inboxes_for(acting_user(request)))


@router.get("/", response=DocumentPage, summary="Danh sách văn bản đến (theo hộp, lọc, tìm nhanh; 20 mỗi trang)")
def document_list(request: HttpRequest, f: Query[FilterIn]) -> dict[str, Any]:
    query = selectors.apply_filters(
        selectors.inbox(acting_user(request), key=f.box),
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
    rows = selectors.document_list(query, acting_user(request), sort=f.sort)[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return {"count": count, "page": page, "pages": max(1, -(-count // PAGE_SIZE)), "results": [_row(d) for d in rows]}


@router.post("/", response={201: DocumentOut}, summary="Tiếp nhận và vào sổ văn bản đến")
def receive(request: HttpRequest, payload: ReceiveIn) -> Status:
    user = acting_user(request)
    agency = agency_of(user)
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
    return Status(201, _detail(user, selectors.document_get(user, pk=result.document.pk)))


@router.get("/{int:doc_id}", response=DocumentOut, summary="Chi tiết văn bản đến, tệp, phân công, lịch sử xử lý")
def detail(request: HttpRequest, doc_id: Id) -> dict[str, Any]:
    doc = selectors.document_get(acting_user(request), pk=doc_id)
    seen.document_seen_on_open(actor=acting_user(request), document=doc)  # opening, when the agency counts it
    return _detail(acting_user(request), doc)


def _seen(actor: User, doc: Document) -> dict[str, Any]:
    return {
        "document_id": doc.pk,
        "mode": seen.seen_mode(doc.agency_id),
        "receipts": [
            {"user_id": r.user_id, "user_name": r.user.full_name, "seen_at": r.seen_at, "how": r.how}
            for r in seen.document_receipts(actor, doc)
        ],
    }


@router.get("/{int:doc_id}/seen", response=IncomingSeenOut, summary="Ai trong số người nhận đã xem văn bản, lúc nào")
def seen_list(request: HttpRequest, doc_id: Id) -> dict[str, Any]:
    return _seen(acting_user(request), selectors.document_get(acting_user(request), pk=doc_id))


@router.post(
    "/{int:doc_id}/seen",
    response=IncomingSeenOut,
    summary="Đánh dấu đã xem (người nhận; lần đầu được ghi, các lần sau không đổi)",
)
def seen_mark(request: HttpRequest, doc_id: Id) -> dict[str, Any]:
    doc = selectors.document_get(acting_user(request), pk=doc_id)
    seen.document_seen_mark(actor=acting_user(request), document=doc, how=SeenHow.API)
    return _seen(acting_user(request), doc)


@router.get("/{int:doc_id}/files/{int:attachment_id}", response={200: None}, summary="Tải tệp của văn bản")
def attachment(request: HttpRequest, doc_id: Id, attachment_id: Id) -> FileResponse:
    doc = selectors.document_get(acting_user(request), pk=doc_id)
    found = doc.attachments.select_related("stored_file__blob").filter(pk=attachment_id).first()
    if found is None:
        raise NotFound()
    return file_response(file_open(actor=acting_user(request), stored_file=found.stored_file, authorised=True))


@router.post(
    "/{int:doc_id}/files/{int:attachment_id}/verify",
    response=AttachmentOut,
    summary="Kiểm tra lại chữ ký số của tệp (chạy nền; trạng thái pending đến khi có kết quả)",
)
def verify_again(request: HttpRequest, doc_id: Id, attachment_id: Id) -> dict[str, Any]:
    doc = selectors.document_get(acting_user(request), pk=doc_id)
    found = doc.attachments.select_related("stored_file__blob").filter(pk=attachment_id).first()
    if found is None:
        raise NotFound()
    services.attachment_verify_again(actor=acting_user(request), attachment=found)
    return next(a for a in _detail(acting_user(request), doc)["attachments"] if a["id"] == found.pk)


def _own_upload(user: User, file_id: int) -> StoredFile:
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
    doc = selectors.document_get(acting_user(request), pk=doc_id)
    created = services.incoming_files_add(
        actor=acting_user(request),
        document=doc,
        files=[
            services.IncomingFile(_own_upload(acting_user(request), ref.file_id), kind=ref.kind)
            for ref in payload.files
        ],
    )
    ids = {a.pk for a in created}
    return Status(201, [a for a in _detail(acting_user(request), doc)["attachments"] if a["id"] in ids])


@router.post(
    "/{int:doc_id}/files/{int:attachment_id}/replace",
    response={201: AttachmentOut},
    summary="Thay tệp bằng phiên bản mới (phiên bản cũ vẫn được lưu và tải được)",
)
def file_replace(request: HttpRequest, doc_id: Id, attachment_id: Id, payload: FileReplaceIn) -> Status:
    doc = selectors.document_get(acting_user(request), pk=doc_id)
    found = doc.attachments.filter(pk=attachment_id).first()
    if found is None:
        raise NotFound()
    new = services.incoming_file_replace(
        actor=acting_user(request),
        document=doc,
        attachment=found,
        stored_file=_own_upload(acting_user(request), payload.file_id),
    )
    return Status(201, next(a for a in _detail(acting_user(request), doc)["attachments"] if a["id"] == new.pk))


@router.post(
    "/{int:doc_id}/correct",
    response=DocumentOut,
    summary="Sửa thông tin văn bản (chỉ các trường gửi lên; không sửa được số đến, sổ)",
)
def correct(request: HttpRequest, doc_id: Id, payload: CorrectIn) -> dict[str, Any]:
    doc = selectors.document_get(acting_user(request), pk=doc_id)
    changes: dict[str, Any] = payload.dict(exclude_unset=True)
    if "doc_type" in changes:
        doc_type = DocumentType.objects.filter(name=changes["doc_type"]).first()
        if doc_type is None:
            raise ValidationFailed(f"Không có loại văn bản “{changes['doc_type']}”.", details={"field": "doc_type"})
        changes["doc_type"] = doc_type
    services.incoming_correct(actor=acting_user(request), document=doc, changes=changes)
    return _detail(acting_user(request), selectors.document_get(acting_user(request), pk=doc_id))


# --- Outputs (Phụ lục IV) ------------------------------------------------------------------------

OUTPUTS = {
    "so-dang-ky": (reports.register_xlsx, reports.register_pdf),
    "so-theo-doi": (reports.followup_xlsx, reports.followup_pdf),
}
CONTENT_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": "application/pdf"}


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
    user = acting_user(request)
    agency = agency_of(user)
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
    doc = selectors.document_get(acting_user(request), pk=doc_id)
    if ext not in CONTENT_TYPES:
        raise NotFound()
    build = slip_xlsx if ext == "xlsx" else slip_pdf
    return _file(
        build(actor=acting_user(request), document=doc), f"phieu-giai-quyet-{doc.arrival_number or doc.pk}", ext
    )


router.add_router("", actions_router)
