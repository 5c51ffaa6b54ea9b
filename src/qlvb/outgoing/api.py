"""The outgoing flow under ``/api/v1/outgoing``: the same selectors and services as the pages.

A draft file is uploaded first through ``POST /api/v1/files`` and then named by id
(``POST /api/v1/outgoing/{id}/versions``); only files the caller uploaded can be used."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import Router, Schema, Status

from qlvb.core.bounds import Id, PageNumber, SmallCount
from qlvb.core.errors import Conflict, NotFound, ValidationFailed
from qlvb.directory.models import Unit, User
from qlvb.directory.selectors import user_get
from qlvb.documents import seen
from qlvb.documents.models import Direction, DocumentType
from qlvb.documents.visibility import documents_visible_to
from qlvb.files.models import StoredFile
from qlvb.files.responses import file_response
from qlvb.files.services import file_open

from . import api_consultation, api_registers, followup, selectors, services
from .api_answers import answer_done, api_user, deliveries, detail, outgoing_for, row
from .errors import ErrorCode
from .models import Comment

router = Router(tags=["outgoing"])
router.add_router("", api_consultation.router)
router.add_router("", api_registers.router)
PAGE_SIZE = 20


class DraftIn(Schema):
    doc_type_id: Id
    subject: str
    signer_id: Id
    competence: str = ""
    signer_position: str = ""
    urgency: SmallCount = 0
    secrecy: str = ""
    due_date: dt.date | None = None
    answers_id: Id | None = None
    drafter_initials: str = ""
    copy_count: SmallCount = 1
    recipient_ids: list[Id] = []
    free_recipients: str = ""
    paper_recipients: str = ""
    description: str = ""


class VersionIn(Schema):
    file_id: Id
    kind: str = "main"
    note: str = ""


class CommentIn(Schema):
    text: str
    parent_id: Id | None = None


class DraftSubmitIn(Schema):
    dept_leader_id: Id | None = None
    note: str = ""


class CommentOnly(Schema):
    comment: str = ""


class FormatIn(Schema):
    checks: dict[str, bool]
    comment: str = ""


class SignIn(Schema):
    pin: str
    version_id: Id | None = None


class PinIn(Schema):
    pin: str


class ReasonIn(Schema):
    reason: str


class ReplaceIn(Schema):
    update: bool = False


def draft_data(actor: User, payload: DraftIn) -> services.DraftData:
    doc_type = DocumentType.objects.filter(pk=payload.doc_type_id).first()
    if doc_type is None:
        raise ValidationFailed("Loại văn bản không tồn tại.")
    signer = user_get(actor, user_id=payload.signer_id)  # someone the drafter may not see answers as no one
    units = list(Unit.objects.filter(pk__in=payload.recipient_ids))
    if len(units) != len(set(payload.recipient_ids)):
        raise ValidationFailed("Có nơi nhận không có trong danh bạ.")
    answers = (
        documents_visible_to(actor, Direction.INCOMING).filter(pk=payload.answers_id).first()
        if payload.answers_id
        else None
    )  # one the drafter may not see answers as no document
    if payload.answers_id and answers is None:
        raise ValidationFailed("Không tìm thấy văn bản đến được trả lời.")
    return services.DraftData(
        doc_type=doc_type,
        subject=payload.subject,
        signer=signer,
        competence=payload.competence,
        signer_position=payload.signer_position,
        urgency=payload.urgency,
        secrecy=payload.secrecy,
        due_date=payload.due_date,
        answers=answers,
        drafter_initials=payload.drafter_initials,
        copy_count=payload.copy_count,
        recipients=units,
        free_recipients=payload.free_recipients,
        paper_recipients=payload.paper_recipients,
        description=payload.description,
    )


@router.get("", summary="Danh sách văn bản đi theo hộp (mine, todo, clerk, issued, all); q: tìm nhanh không dấu")
def list_outgoing(request: HttpRequest, box: str = "all", page: PageNumber = 1, q: str = "") -> dict[str, Any]:
    if box not in selectors.BOXES:
        raise ValidationFailed("Hộp văn bản không hợp lệ.")
    query = selectors.outgoing_box(api_user(request), box=box, q=q[:200])
    count = query.count()
    page = max(page, 1)
    rows = [row(o) for o in query[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]]
    return {"count": count, "page": page, "pages": (count + PAGE_SIZE - 1) // PAGE_SIZE, "results": rows}


@router.post("", response={201: dict}, summary="Tạo dự thảo văn bản đi")
def create(request: HttpRequest, payload: DraftIn) -> Status:
    actor = api_user(request)
    outgoing = services.outgoing_create(actor=actor, data=draft_data(actor, payload))
    return Status(201, detail(actor, selectors.outgoing_get(actor, pk=outgoing.pk)))


@router.get("/{pk}", summary="Chi tiết văn bản đi: phiên bản, luồng duyệt, góp ý, nơi nhận, lịch sử")
def get_outgoing(request: HttpRequest, pk: Id) -> dict[str, Any]:
    return answer_done(request, pk)


@router.put("/{pk}", summary="Sửa thông tin văn bản đi (sau khi đã duyệt thì phải duyệt lại)")
def update(request: HttpRequest, pk: Id, payload: DraftIn) -> dict[str, Any]:
    actor = api_user(request)
    services.outgoing_update(actor=actor, outgoing=outgoing_for(request, pk), data=draft_data(actor, payload))
    return answer_done(request, pk)


@router.post("/{pk}/versions", response={201: dict}, summary="Tải lên phiên bản dự thảo (tệp đã tải qua /files)")
def add_version(request: HttpRequest, pk: Id, payload: VersionIn) -> Status:
    outgoing = outgoing_for(request, pk)
    stored = StoredFile.objects.select_related("blob").filter(pk=payload.file_id).first()
    if stored is None or stored.uploaded_by_id != api_user(request).pk:
        raise ValidationFailed("Không tìm thấy tệp đã tải lên.")
    version = services.version_upload(
        actor=api_user(request), outgoing=outgoing, stored_file=stored, kind=payload.kind, note=payload.note
    )
    # the PDF is made after the commit by a Celery task: "conversion" is "pending" until it ends
    return Status(
        201,
        {
            "id": version.pk,
            "ordinal": version.ordinal,
            "pdf_id": version.pdf_id,
            "page_count": version.page_count,
            **services.conversion_status(version),
        },
    )


@router.post(
    "/{pk}/versions/{vid}/convert", response={202: dict}, summary="Chuyển lại sang PDF một phiên bản chưa chuyển được"
)
def retry_conversion(request: HttpRequest, pk: Id, vid: Id) -> Status:
    outgoing = outgoing_for(request, pk)
    version = outgoing.versions.select_related("stored_file").filter(pk=vid).first()
    if version is None:
        raise NotFound()
    services.version_convert_retry(actor=api_user(request), version=version)
    return Status(202, {"id": version.pk, **services.conversion_status(version)})


def _stream(request: HttpRequest, stored: StoredFile | None) -> FileResponse:
    if stored is None:
        raise NotFound()
    return file_response(file_open(actor=api_user(request), stored_file=stored, authorised=True))


class OutgoingSeenReceiptOut(Schema):
    user_id: int
    user_name: str
    seen_at: dt.datetime


class OutgoingSeenDeliveryOut(Schema):
    delivery_id: int
    organ_name: str
    copy_id: int | None  # the recipient's copy (internal recipients); None: sent outside the deployment
    receipts: list[OutgoingSeenReceiptOut]  # empty: "chưa xem"


@router.get(
    "/{pk}/seen",
    response=list[OutgoingSeenDeliveryOut],
    summary="Người nhận đã xem văn bản đi chưa: mỗi nơi nhận, ai đã xem bản nhận, lúc nào",
)
def seen_list(request: HttpRequest, pk: Id) -> list[dict[str, Any]]:
    outgoing = outgoing_for(request, pk)
    receipts: dict[int, list[dict[str, Any]]] = {}
    for r in seen.copies_receipts(api_user(request), outgoing.document):
        receipts.setdefault(r.document_id or 0, []).append(
            {"user_id": r.user_id, "user_name": r.user.full_name, "seen_at": r.seen_at}
        )
    return [
        {
            "delivery_id": d.pk,
            "organ_name": d.organ_name,
            "copy_id": d.incoming_document_id,
            "receipts": receipts.get(d.incoming_document_id or -1, []),
        }
        for d in outgoing.document.deliveries.all()
    ]


@router.get("/{pk}/versions/{vid}/file", summary="Tải tệp của một phiên bản (pdf=true: bản PDF chuyển đổi)")
def version_file(request: HttpRequest, pk: Id, vid: Id, pdf: bool = False) -> FileResponse:
    outgoing = outgoing_for(request, pk)
    version = outgoing.versions.select_related("stored_file__blob", "pdf__blob").filter(pk=vid).first()
    if version is None:
        raise NotFound()
    if pdf and version.pdf is None:
        status = services.conversion_status(version)
        raise Conflict(
            f"Phiên bản chưa có bản PDF ({status['conversion_label']}). {status['conversion_error']}".strip(),
            code=ErrorCode("pdf_" + status["conversion"]),
        )
    return _stream(request, version.pdf if pdf else version.stored_file)


@router.get("/{pk}/pdf", summary="Tải bản PDF đã ký (bản phát hành)")
def signed_pdf(request: HttpRequest, pk: Id) -> FileResponse:
    return _stream(request, outgoing_for(request, pk).signed_pdf)


@router.post("/{pk}/comments", response={201: dict}, summary="Góp ý dự thảo")
def comment(request: HttpRequest, pk: Id, payload: CommentIn) -> Status:
    outgoing = outgoing_for(request, pk)
    parent = Comment.objects.filter(pk=payload.parent_id, outgoing=outgoing).first() if payload.parent_id else None
    created = services.comment_add(actor=api_user(request), outgoing=outgoing, text=payload.text, parent=parent)
    return Status(201, {"id": created.pk})


@router.post("/{pk}/submit", summary="Trình duyệt")
def submit(request: HttpRequest, pk: Id, payload: DraftSubmitIn) -> dict[str, Any]:
    leader = user_get(api_user(request), user_id=payload.dept_leader_id) if payload.dept_leader_id else None
    services.outgoing_submit(
        actor=api_user(request), outgoing=outgoing_for(request, pk), dept_leader=leader, note=payload.note
    )
    return answer_done(request, pk)


@router.post("/{pk}/approve", summary="Duyệt dự thảo")
def approve(request: HttpRequest, pk: Id, payload: CommentOnly) -> dict[str, Any]:
    services.outgoing_approve(actor=api_user(request), outgoing=outgoing_for(request, pk), comment=payload.comment)
    return answer_done(request, pk)


@router.post("/{pk}/return", summary="Trả lại dự thảo kèm lý do")
def return_(request: HttpRequest, pk: Id, payload: CommentOnly) -> dict[str, Any]:
    services.outgoing_return(actor=api_user(request), outgoing=outgoing_for(request, pk), comment=payload.comment)
    return answer_done(request, pk)


@router.post("/{pk}/format-check", summary="Văn thư kiểm tra thể thức (danh mục theo Phụ lục I)")
def format_check(request: HttpRequest, pk: Id, payload: FormatIn) -> dict[str, Any]:
    services.outgoing_format_check(
        actor=api_user(request), outgoing=outgoing_for(request, pk), checks=payload.checks, comment=payload.comment
    )
    return answer_done(request, pk)


@router.get("/format-checklist/items", summary="Danh mục kiểm tra thể thức")
def checklist(request: HttpRequest) -> dict[str, str]:
    return services.FORMAT_CHECKLIST


@router.post("/{pk}/sign", summary="Người có thẩm quyền ký số (chữ ký cá nhân)")
def sign(request: HttpRequest, pk: Id, payload: SignIn) -> dict[str, Any]:
    services.outgoing_sign(
        actor=api_user(request), outgoing=outgoing_for(request, pk), pin=payload.pin, version_id=payload.version_id
    )
    return answer_done(request, pk)


@router.post("/{pk}/number", summary="Cấp số, ngày ban hành")
def number(request: HttpRequest, pk: Id) -> dict[str, Any]:
    services.outgoing_number(actor=api_user(request), outgoing=outgoing_for(request, pk))
    return answer_done(request, pk)


@router.post("/{pk}/sign-agency", summary="Ký số của cơ quan")
def sign_agency(request: HttpRequest, pk: Id, payload: PinIn) -> dict[str, Any]:
    services.outgoing_sign_agency(actor=api_user(request), outgoing=outgoing_for(request, pk), pin=payload.pin)
    return answer_done(request, pk)


class IssueIn(Schema):
    accept_unreachable: bool = False


@router.post("/{pk}/issue", summary="Phát hành (accept_unreachable: vẫn phát hành khi có nơi nhận chưa có địa chỉ)")
def issue(request: HttpRequest, pk: Id, payload: IssueIn | None = None) -> dict[str, Any]:
    services.outgoing_issue(
        actor=api_user(request),
        outgoing=outgoing_for(request, pk),
        accept_unreachable=bool(payload and payload.accept_unreachable),
    )
    return answer_done(request, pk)


@router.get(
    "/{pk}/issue-preview",
    summary="Trước khi phát hành: nơi nhận điện tử, chờ liên thông, bản giấy, chưa gửi được (và cách sửa)",
)
def issue_preview(request: HttpRequest, pk: Id) -> dict[str, Any]:
    from .recipients import recipients_summary

    outgoing = outgoing_for(request, pk)
    summary = recipients_summary(outgoing)
    summary.pop("sections")
    return {"id": outgoing.pk, "state": outgoing.state, **summary}


class RecipientFixIn(Schema):
    name: str
    action: str
    unit_id: Id | None = None


@router.post(
    "/{pk}/recipients/fix",
    summary="Xử lý một nơi nhận ghi bằng chữ: match (chọn cơ quan unit_id), paper (gửi bản giấy), remove",
)
def recipient_fix(request: HttpRequest, pk: Id, payload: RecipientFixIn) -> dict[str, Any]:
    from .recipients import recipient_fix as fix
    from .recipients import recipients_summary

    unit = Unit.objects.filter(pk=payload.unit_id).first() if payload.unit_id else None
    if payload.unit_id and unit is None:
        raise ValidationFailed("Không có cơ quan này trong danh bạ.")
    outgoing = fix(
        actor=api_user(request), outgoing=outgoing_for(request, pk), name=payload.name, action=payload.action, unit=unit
    )
    summary = recipients_summary(outgoing)
    summary.pop("sections")
    return {"id": outgoing.pk, "state": outgoing.state, **summary}


@router.get("/{pk}/deliveries", summary="Theo dõi nơi nhận: trạng thái và thời gian")
def tracking(request: HttpRequest, pk: Id) -> list[dict[str, Any]]:
    return deliveries(outgoing_for(request, pk))


@router.post("/{pk}/revoke", summary="Thu hồi văn bản đã phát hành")
def revoke(request: HttpRequest, pk: Id, payload: ReasonIn) -> dict[str, Any]:
    services.outgoing_revoke(actor=api_user(request), outgoing=outgoing_for(request, pk), reason=payload.reason)
    return answer_done(request, pk)


@router.post("/{pk}/deliveries/{delivery_id}/take-back", summary="Lấy lại văn bản từ một nơi nhận (edXML 13)")
def take_back(request: HttpRequest, pk: Id, delivery_id: Id, payload: ReasonIn) -> list[dict[str, Any]]:
    outgoing = outgoing_for(request, pk)
    services.outgoing_take_back(
        actor=api_user(request), outgoing=outgoing, delivery_id=delivery_id, reason=payload.reason
    )
    return deliveries(outgoing)


@router.post("/{pk}/replace", response={201: dict}, summary="Tạo văn bản thay thế (hoặc cập nhật) văn bản đã phát hành")
def replace(request: HttpRequest, pk: Id, payload: ReplaceIn) -> Status:
    actor = api_user(request)
    new = services.outgoing_replacement_start(actor=actor, outgoing=outgoing_for(request, pk), update=payload.update)
    return Status(201, detail(actor, selectors.outgoing_get(actor, pk=new.pk)))


class NoteIn(Schema):
    note: str = ""


@router.post("/{pk}/reply-follow-up/close", summary="Kết thúc theo dõi hạn trả lời (đã nhận đủ trả lời)")
def follow_up_close(request: HttpRequest, pk: Id, payload: NoteIn) -> dict[str, Any]:
    followup.reply_followup_close(actor=api_user(request), outgoing=outgoing_for(request, pk), note=payload.note)
    return answer_done(request, pk)
