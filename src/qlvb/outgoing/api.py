"""The outgoing flow under ``/api/v1/outgoing``: the same selectors and services as the pages.

A draft file is uploaded first through ``POST /api/v1/files`` and then named by id
(``POST /api/v1/outgoing/{id}/versions``); only files the caller uploaded can be used."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from qlvb.core.bounds import Id, PageNumber, SmallCount
from qlvb.core.errors import Conflict, NotFound, ValidationFailed
from qlvb.directory.models import Unit
from qlvb.directory.selectors import agency_of, user_get, users_get
from qlvb.documents.events import event_label
from qlvb.documents.models import Direction, DocumentType
from qlvb.documents.visibility import documents_visible_to
from qlvb.files.models import StoredFile
from qlvb.files.responses import file_response
from qlvb.files.services import file_open

from . import consultation as consult
from . import followup, reports, selectors, services
from .actions import can_act
from .models import Comment, Consultation, Outgoing, ReplyFollowUp

router = Router(tags=["outgoing"])
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


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def draft_data(actor: Any, payload: DraftIn) -> services.DraftData:
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


def row(o: Outgoing) -> dict[str, Any]:
    d = o.document
    return {
        "id": o.pk,
        "state": o.state,
        "state_label": o.get_state_display(),
        "doc_type": d.doc_type.name,
        "number_notation": d.number_notation,
        "issued_date": d.issued_date,
        "subject": d.subject,
        "urgency": d.urgency,
        "drafter": o.drafter.full_name,
        "created_at": d.created_at,
    }


def detail(actor: Any, o: Outgoing) -> dict[str, Any]:
    d = o.document
    out = row(o)
    out.update(
        {
            "organ_name": d.organ_name,
            "organ_id": d.organ_id,
            "code_number": d.code_number,
            "code_notation": d.code_notation,
            "document_identifier": d.document_identifier,
            "signer": {
                "id": o.signer_id,
                "name": o.signer.full_name,
                "position": d.signer_position,
                "competence": o.competence,
            },
            "due_date": d.due_date,
            "page_amount": d.page_amount,
            "description": d.description,
            "to_places": d.to_places,
            "free_recipients": o.free_recipients,
            "paper_recipients": o.paper_recipients,
            "drafter_initials": o.drafter_initials,
            "copy_count": o.copy_count,
            "answers_id": o.answers_id,
            "also_paper": o.also_paper,
            "replaces_id": o.replaces_id,
            "frozen_reason": o.frozen_reason,
            "round": o.round,
            "approved_version_id": o.approved_version_id,
            "actions": sorted(can_act(actor, o)),
            "recipients": [
                {"id": r.unit_id, "name": r.unit.name, "organ_id": r.unit.organ_id, "external": r.unit.external}
                for r in o.recipients.select_related("unit")
            ],
            "versions": [
                {
                    "id": v.pk,
                    "kind": v.kind,
                    "ordinal": v.ordinal,
                    "name": v.stored_file.name,
                    "sha256": v.stored_file.blob.sha256,
                    "pdf_id": v.pdf_id,
                    "page_count": v.page_count,
                    "note": v.note,
                    "metadata": v.metadata,
                    "uploaded_by": v.uploaded_by.full_name,
                    "uploaded_at": v.uploaded_at,
                    **services.conversion_status(v),
                }
                for v in o.versions.select_related("stored_file__blob", "stored_file__conversion", "uploaded_by")
            ],
            "steps": [
                {
                    "id": s.pk,
                    "round": s.round,
                    "ordinal": s.ordinal,
                    "kind": s.kind,
                    "label": s.label,
                    "user": s.user.full_name if s.user else "",
                    "status": s.status,
                    "comment": s.comment,
                    "decided_by": s.decided_by.full_name if s.decided_by else "",
                    "decided_at": s.decided_at,
                    "data": s.data,
                }
                for s in o.steps.select_related("user", "decided_by")
            ],
            "comments": [
                {
                    "id": c.pk,
                    "parent_id": c.parent_id,
                    "author": c.author.full_name,
                    "text": c.text,
                    "version_id": c.version_id,
                    "created_at": c.created_at,
                }
                for c in o.comments.select_related("author")
            ],
            "deliveries": deliveries(o),
            "reply_follow_up": follow_up(o),
            "events": [
                {
                    "at": e.created_at,
                    "actor": e.actor_name,
                    "action": e.action,
                    "label": event_label(e.action),
                    "text": e.text,
                }
                for e in d.events.all()
            ],
        }
    )
    return out


def follow_up(o: Outgoing) -> dict[str, Any] | None:
    found = ReplyFollowUp.objects.filter(outgoing=o).first()
    if found is None:
        return None
    return {
        "due_soon_notified_on": found.due_soon_notified_on,
        "overdue_notified_on": found.overdue_notified_on,
        "done_at": found.done_at,
        "done_note": found.done_note,
    }


def deliveries(o: Outgoing) -> list[dict[str, Any]]:
    return [
        {
            "id": x.pk,
            "organ_name": x.organ_name,
            "organ_id": x.organ_id,
            "transport": x.transport,
            "status": x.status,
            "status_label": x.get_status_display(),
            "status_at": x.status_at,
            "business_type": x.business_type,
            "recalled_at": x.recalled_at,
            "also_paper": x.also_paper,
            "history": [
                {"status": c.status, "text": c.text, "staff": c.staff, "at": c.created_at} for c in x.changes.all()
            ],
        }
        for x in o.document.deliveries.prefetch_related("changes")
    ]


def _get(request: HttpRequest, pk: int) -> Outgoing:
    return selectors.outgoing_get(_user(request), pk)


def _done(request: HttpRequest, pk: int) -> dict[str, Any]:
    return detail(_user(request), _get(request, pk))


@router.get("", summary="Danh sách văn bản đi theo hộp (mine, todo, clerk, issued, all); q: tìm nhanh không dấu")
def list_outgoing(request: HttpRequest, box: str = "all", page: PageNumber = 1, q: str = "") -> dict[str, Any]:
    if box not in selectors.BOXES:
        raise ValidationFailed("Hộp văn bản không hợp lệ.")
    query = selectors.outgoing_box(_user(request), box, q[:200])
    count = query.count()
    page = max(page, 1)
    rows = [row(o) for o in query[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]]
    return {"count": count, "page": page, "pages": (count + PAGE_SIZE - 1) // PAGE_SIZE, "results": rows}


@router.post("", response={201: dict}, summary="Tạo dự thảo văn bản đi")
def create(request: HttpRequest, payload: DraftIn) -> Status:
    actor = _user(request)
    outgoing = services.outgoing_create(actor=actor, data=draft_data(actor, payload))
    return Status(201, detail(actor, selectors.outgoing_get(actor, outgoing.pk)))


@router.get("/{pk}", summary="Chi tiết văn bản đi: phiên bản, luồng duyệt, góp ý, nơi nhận, lịch sử")
def get_outgoing(request: HttpRequest, pk: Id) -> dict[str, Any]:
    return _done(request, pk)


@router.put("/{pk}", summary="Sửa thông tin văn bản đi (sau khi đã duyệt thì phải duyệt lại)")
def update(request: HttpRequest, pk: Id, payload: DraftIn) -> dict[str, Any]:
    actor = _user(request)
    services.outgoing_update(actor=actor, outgoing=_get(request, pk), data=draft_data(actor, payload))
    return _done(request, pk)


@router.post("/{pk}/versions", response={201: dict}, summary="Tải lên phiên bản dự thảo (tệp đã tải qua /files)")
def add_version(request: HttpRequest, pk: Id, payload: VersionIn) -> Status:
    outgoing = _get(request, pk)
    stored = StoredFile.objects.select_related("blob").filter(pk=payload.file_id).first()
    if stored is None or stored.uploaded_by_id != _user(request).pk:
        raise ValidationFailed("Không tìm thấy tệp đã tải lên.")
    version = services.version_upload(
        actor=_user(request), outgoing=outgoing, stored_file=stored, kind=payload.kind, note=payload.note
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
    outgoing = _get(request, pk)
    version = outgoing.versions.select_related("stored_file").filter(pk=vid).first()
    if version is None:
        raise NotFound()
    services.version_convert_retry(actor=_user(request), version=version)
    return Status(202, {"id": version.pk, **services.conversion_status(version)})


def _stream(request: HttpRequest, stored: StoredFile | None) -> FileResponse:
    if stored is None:
        raise NotFound()
    return file_response(file_open(actor=_user(request), stored_file=stored, authorised=True))


@router.get("/{pk}/versions/{vid}/file", summary="Tải tệp của một phiên bản (pdf=true: bản PDF chuyển đổi)")
def version_file(request: HttpRequest, pk: Id, vid: Id, pdf: bool = False) -> FileResponse:
    outgoing = _get(request, pk)
    version = outgoing.versions.select_related("stored_file__blob", "pdf__blob").filter(pk=vid).first()
    if version is None:
        raise NotFound()
    if pdf and version.pdf is None:
        status = services.conversion_status(version)
        raise Conflict(
            f"Phiên bản chưa có bản PDF ({status['conversion_label']}). {status['conversion_error']}".strip(),
            code="pdf_" + status["conversion"],
        )
    return _stream(request, version.pdf if pdf else version.stored_file)


@router.get("/{pk}/pdf", summary="Tải bản PDF đã ký (bản phát hành)")
def signed_pdf(request: HttpRequest, pk: Id) -> FileResponse:
    return _stream(request, _get(request, pk).signed_pdf)


@router.post("/{pk}/comments", response={201: dict}, summary="Góp ý dự thảo")
def comment(request: HttpRequest, pk: Id, payload: CommentIn) -> Status:
    outgoing = _get(request, pk)
    parent = Comment.objects.filter(pk=payload.parent_id, outgoing=outgoing).first() if payload.parent_id else None
    created = services.comment_add(actor=_user(request), outgoing=outgoing, text=payload.text, parent=parent)
    return Status(201, {"id": created.pk})


@router.post("/{pk}/submit", summary="Trình duyệt")
def submit(request: HttpRequest, pk: Id, payload: DraftSubmitIn) -> dict[str, Any]:
    leader = user_get(_user(request), user_id=payload.dept_leader_id) if payload.dept_leader_id else None
    services.outgoing_submit(actor=_user(request), outgoing=_get(request, pk), dept_leader=leader, note=payload.note)
    return _done(request, pk)


@router.post("/{pk}/approve", summary="Duyệt dự thảo")
def approve(request: HttpRequest, pk: Id, payload: CommentOnly) -> dict[str, Any]:
    services.outgoing_approve(actor=_user(request), outgoing=_get(request, pk), comment=payload.comment)
    return _done(request, pk)


@router.post("/{pk}/return", summary="Trả lại dự thảo kèm lý do")
def return_(request: HttpRequest, pk: Id, payload: CommentOnly) -> dict[str, Any]:
    services.outgoing_return(actor=_user(request), outgoing=_get(request, pk), comment=payload.comment)
    return _done(request, pk)


@router.post("/{pk}/format-check", summary="Văn thư kiểm tra thể thức (danh mục theo Phụ lục I)")
def format_check(request: HttpRequest, pk: Id, payload: FormatIn) -> dict[str, Any]:
    services.outgoing_format_check(
        actor=_user(request), outgoing=_get(request, pk), checks=payload.checks, comment=payload.comment
    )
    return _done(request, pk)


@router.get("/format-checklist/items", summary="Danh mục kiểm tra thể thức")
def checklist(request: HttpRequest) -> dict[str, str]:
    return services.FORMAT_CHECKLIST


@router.post("/{pk}/sign", summary="Người có thẩm quyền ký số (chữ ký cá nhân)")
def sign(request: HttpRequest, pk: Id, payload: SignIn) -> dict[str, Any]:
    services.outgoing_sign(
        actor=_user(request), outgoing=_get(request, pk), pin=payload.pin, version_id=payload.version_id
    )
    return _done(request, pk)


@router.post("/{pk}/number", summary="Cấp số, ngày ban hành")
def number(request: HttpRequest, pk: Id) -> dict[str, Any]:
    services.outgoing_number(actor=_user(request), outgoing=_get(request, pk))
    return _done(request, pk)


@router.post("/{pk}/sign-agency", summary="Ký số của cơ quan")
def sign_agency(request: HttpRequest, pk: Id, payload: PinIn) -> dict[str, Any]:
    services.outgoing_sign_agency(actor=_user(request), outgoing=_get(request, pk), pin=payload.pin)
    return _done(request, pk)


class IssueIn(Schema):
    accept_unreachable: bool = False


@router.post("/{pk}/issue", summary="Phát hành (accept_unreachable: vẫn phát hành khi có nơi nhận chưa có địa chỉ)")
def issue(request: HttpRequest, pk: Id, payload: IssueIn | None = None) -> dict[str, Any]:
    services.outgoing_issue(
        actor=_user(request),
        outgoing=_get(request, pk),
        accept_unreachable=bool(payload and payload.accept_unreachable),
    )
    return _done(request, pk)


@router.get(
    "/{pk}/issue-preview",
    summary="Trước khi phát hành: nơi nhận điện tử, chờ liên thông, bản giấy, chưa gửi được (và cách sửa)",
)
def issue_preview(request: HttpRequest, pk: Id) -> dict[str, Any]:
    from .recipients import recipients_summary

    outgoing = _get(request, pk)
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
        actor=_user(request), outgoing=_get(request, pk), name=payload.name, action=payload.action, unit=unit
    )
    summary = recipients_summary(outgoing)
    summary.pop("sections")
    return {"id": outgoing.pk, "state": outgoing.state, **summary}


@router.get("/{pk}/deliveries", summary="Theo dõi nơi nhận: trạng thái và thời gian")
def tracking(request: HttpRequest, pk: Id) -> list[dict[str, Any]]:
    return deliveries(_get(request, pk))


@router.post("/{pk}/revoke", summary="Thu hồi văn bản đã phát hành")
def revoke(request: HttpRequest, pk: Id, payload: ReasonIn) -> dict[str, Any]:
    services.outgoing_revoke(actor=_user(request), outgoing=_get(request, pk), reason=payload.reason)
    return _done(request, pk)


@router.post("/{pk}/replace", response={201: dict}, summary="Tạo văn bản thay thế (hoặc cập nhật) văn bản đã phát hành")
def replace(request: HttpRequest, pk: Id, payload: ReplaceIn) -> Status:
    actor = _user(request)
    new = services.outgoing_replacement_start(actor=actor, outgoing=_get(request, pk), update=payload.update)
    return Status(201, detail(actor, selectors.outgoing_get(actor, new.pk)))


class NoteIn(Schema):
    note: str = ""


@router.post("/{pk}/reply-follow-up/close", summary="Kết thúc theo dõi hạn trả lời (đã nhận đủ trả lời)")
def follow_up_close(request: HttpRequest, pk: Id, payload: NoteIn) -> dict[str, Any]:
    followup.reply_followup_close(actor=_user(request), outgoing=_get(request, pk), note=payload.note)
    return _done(request, pk)


# --- consultation (lấy ý kiến) ---------------------------------------------------------------------


class ConsultationIn(Schema):
    user_ids: list[Id]
    deadline: dt.date
    message: str = ""


class AnswerIn(Schema):
    opinion: str
    comment: str = ""
    file_id: Id | None = None


class DeadlineIn(Schema):
    deadline: dt.date


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def consultation_out(actor: Any, c: Consultation, *, full: bool) -> dict[str, Any]:
    answers = c.answers.select_related("user__unit", "stored_file").order_by("user__full_name", "id")
    if not full:
        answers = answers.filter(user_id=actor.pk)
    out: dict[str, Any] = {
        "id": c.pk,
        "ordinal": c.ordinal,
        "version_id": c.version_id,
        "message": c.message,
        "deadline": c.deadline,
        "first_deadline": c.first_deadline,
        "created_at": c.created_at,
        "created_by": c.created_by.full_name,
        "closed_at": c.closed_at,
        "open": c.is_open,
        "answers": [
            {
                "user_id": a.user_id,
                "name": a.user.full_name,
                "opinion": a.opinion,
                "opinion_label": str(a.get_opinion_display()) if a.opinion else "Chưa trả lời",
                "comment": a.comment,
                "file_id": a.stored_file_id,
                "file_name": a.stored_file.name if a.stored_file else "",
                "answered_at": a.answered_at,
                "late": a.late,
                "revisions": a.revisions,
            }
            for a in answers
        ],
    }
    if full:
        out["summary"] = consult.summary_counts(c)
    return out


def _consultation(request: HttpRequest, pk: int, cid: int) -> tuple[Outgoing, Consultation, bool]:
    outgoing = _get(request, pk)
    found, full = selectors.consultation_get(_user(request), outgoing, cid)
    return outgoing, found, full


@router.get("/{pk}/consultations", summary="Các đợt lấy ý kiến (người được mời chỉ thấy ý kiến của mình)")
def consultations(request: HttpRequest, pk: Id) -> list[dict[str, Any]]:
    actor = _user(request)
    rounds, full = selectors.consultations_for(actor, _get(request, pk))
    return [consultation_out(actor, c, full=full) for c in rounds]


@router.post("/{pk}/consultations", response={201: dict}, summary="Lấy ý kiến dự thảo (người soạn thảo)")
def consultation_open(request: HttpRequest, pk: Id, payload: ConsultationIn) -> Status:
    actor = _user(request)
    people = users_get(actor, user_ids=payload.user_ids)
    created = consult.consultation_open(
        actor=actor, outgoing=_get(request, pk), people=people, deadline=payload.deadline, message=payload.message
    )
    return Status(201, consultation_out(actor, created, full=True))


@router.post("/{pk}/consultations/{cid}/answer", summary="Trả lời lấy ý kiến (trả lời lại thì thay ý kiến trước)")
def consultation_answer(request: HttpRequest, pk: Id, cid: Id, payload: AnswerIn) -> dict[str, Any]:
    actor = _user(request)
    _, found, full = _consultation(request, pk, cid)
    stored = None
    if payload.file_id is not None:
        stored = StoredFile.objects.select_related("blob").filter(pk=payload.file_id, uploaded_by=actor).first()
        if stored is None:
            raise ValidationFailed("Không tìm thấy tệp đã tải lên.")
    consult.consultation_answer(
        actor=actor, consultation=found, opinion=payload.opinion, comment=payload.comment, stored_file=stored
    )
    return consultation_out(actor, found, full=full)


@router.post("/{pk}/consultations/{cid}/extend", summary="Gia hạn lấy ý kiến")
def consultation_extend(request: HttpRequest, pk: Id, cid: Id, payload: DeadlineIn) -> dict[str, Any]:
    actor = _user(request)
    _, found, full = _consultation(request, pk, cid)
    consult.consultation_extend(actor=actor, consultation=found, deadline=payload.deadline)
    found.refresh_from_db()
    return consultation_out(actor, found, full=full)


@router.post("/{pk}/consultations/{cid}/close", summary="Kết thúc lấy ý kiến")
def consultation_close(request: HttpRequest, pk: Id, cid: Id) -> dict[str, Any]:
    actor = _user(request)
    _, found, full = _consultation(request, pk, cid)
    consult.consultation_close(actor=actor, consultation=found)
    found.refresh_from_db()
    return consultation_out(actor, found, full=full)


def summary_export(actor: Any, found: Consultation, *, full: bool, fmt: str) -> HttpResponse:
    """The summary of a round as XLSX or PDF (for those who see every answer)."""
    from qlvb.core.errors import PermissionDenied

    if not full:
        raise PermissionDenied("Chỉ người soạn thảo và người có trách nhiệm mới xem được tổng hợp ý kiến.")
    name = f"tong-hop-y-kien-lan-{found.ordinal}"
    if fmt == "pdf":
        response = HttpResponse(reports.consultation_pdf(found), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    elif fmt == "xlsx":
        response = HttpResponse(reports.consultation_xlsx(found), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    else:
        raise ValidationFailed("Định dạng phải là xlsx hoặc pdf.")
    return response


@router.get("/{pk}/consultations/{cid}/export", summary="Tải bảng tổng hợp ý kiến (format=xlsx|pdf)")
def consultation_export(request: HttpRequest, pk: Id, cid: Id, format: str = "xlsx") -> HttpResponse:
    _, found, full = _consultation(request, pk, cid)
    return summary_export(_user(request), found, full=full, fmt=format)


# --- Sổ đăng ký văn bản đi ---------------------------------------------------------------------------


def register_export(
    actor: Any, *, date_from: dt.date, date_to: dt.date, fmt: str, book: str = "register"
) -> HttpResponse:
    """``book``: ``register`` (Sổ đăng ký văn bản đi) or ``postal`` (Sổ gửi văn bản đi bưu điện)."""
    agency = agency_of(actor)
    if agency is None:
        raise NotFound()
    makers = {
        "register": (reports.register_xlsx, reports.register_pdf, "so-dang-ky-van-ban-di"),
        "postal": (reports.postal_xlsx, reports.postal_pdf, "so-gui-van-ban-di-buu-dien"),
    }
    if book not in makers:
        raise ValidationFailed("Sổ phải là register hoặc postal.")
    make_xlsx, make_pdf, stem = makers[book]
    name = f"{stem}-{date_from:%Y%m%d}-{date_to:%Y%m%d}"
    if fmt == "pdf":
        response = HttpResponse(
            make_pdf(actor=actor, agency=agency, date_from=date_from, date_to=date_to), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    elif fmt == "xlsx":
        response = HttpResponse(
            make_xlsx(actor=actor, agency=agency, date_from=date_from, date_to=date_to), content_type=XLSX
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    else:
        raise ValidationFailed("Định dạng phải là xlsx hoặc pdf.")
    return response


@router.get("/register/export", summary="Sổ đăng ký văn bản đi của cơ quan (Phụ lục IV) cho một khoảng ngày")
def register(request: HttpRequest, date_from: dt.date, date_to: dt.date, format: str = "xlsx") -> HttpResponse:
    return register_export(_user(request), date_from=date_from, date_to=date_to, fmt=format)


@router.get("/postal-register/export", summary="Sổ gửi văn bản đi bưu điện (văn bản gửi kèm bản giấy)")
def postal_register(request: HttpRequest, date_from: dt.date, date_to: dt.date, format: str = "xlsx") -> HttpResponse:
    return register_export(_user(request), date_from=date_from, date_to=date_to, fmt=format, book="postal")
