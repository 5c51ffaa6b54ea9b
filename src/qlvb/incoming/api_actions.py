"""The actions of the incoming API (``/api/v1/incoming``): one service call each, through the same
preconditions as the pages (``preconditions.py``). Added to ``api.router``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from qlvb.assignments.models import Assignment, Extension
from qlvb.core.bounds import Id
from qlvb.core.errors import NotFound
from qlvb.directory.models import User
from qlvb.directory.selectors import acting_user, unit_get, user_get
from qlvb.documents.models import Document

from . import selectors, services
from .api_schemas import (
    CompleteIn,
    ConfirmIn,
    DecideIn,
    DirectIn,
    ExtensionIn,
    NoteIn,
    Ok,
    ReasonIn,
    RemindIn,
    ReportIn,
    SubmitIn,
    TargetIn,
)

router = Router(tags=["incoming"])


def _targets(actor: User, items: list[TargetIn]) -> list[services.Target]:
    """Units and people the caller may see; any other id answers as an unknown one (no names leak)."""
    return [
        services.Target(
            role=t.role,
            due_date=t.due_date,
            unit=unit_get(actor, unit_id=t.unit_id) if t.unit_id else None,
            user=user_get(actor, user_id=t.user_id) if t.user_id else None,
        )
        for t in items
    ]


def _ok(obj: Document | Assignment | Extension) -> dict[str, Any]:
    return {"id": obj.pk, "status": obj.status}


# --- Document actions ------------------------------------------------------------------------


@router.post("/{int:doc_id}/reject", response=Ok, summary="Từ chối tiếp nhận văn bản (lý do; trạng thái edXML 02)")
def reject(request: HttpRequest, doc_id: Id, payload: ReasonIn) -> dict[str, Any]:
    doc = selectors.document_get(acting_user(request), pk=doc_id)
    return _ok(services.incoming_reject(actor=acting_user(request), document=doc, reason=payload.reason))


@router.post("/{int:doc_id}/register", response=Ok, summary="Vào sổ văn bản đã tiếp nhận (kênh hệ thống)")
def register(request: HttpRequest, doc_id: Id, payload: ConfirmIn) -> dict[str, Any]:
    doc = selectors.document_get(acting_user(request), pk=doc_id)
    return _ok(
        services.incoming_register(
            actor=acting_user(request), document=doc, confirm_duplicate=payload.confirm_duplicate
        )
    )


@router.post("/{int:doc_id}/submit", response=Ok, summary="Trình lãnh đạo")
def submit(request: HttpRequest, doc_id: Id, payload: SubmitIn) -> dict[str, Any]:
    doc = selectors.document_get(acting_user(request), pk=doc_id)
    leader = user_get(acting_user(request), user_id=payload.leader_id) if payload.leader_id else None
    return _ok(services.incoming_submit(actor=acting_user(request), document=doc, leader=leader, note=payload.note))


@router.post("/{int:doc_id}/return", response=Ok, summary="Lãnh đạo trả lại văn thư")
def return_to_clerk(request: HttpRequest, doc_id: Id, payload: ReasonIn) -> dict[str, Any]:
    doc = selectors.document_get(acting_user(request), pk=doc_id)
    return _ok(services.incoming_return_to_clerk(actor=acting_user(request), document=doc, reason=payload.reason))


@router.post("/{int:doc_id}/direct", response=list[Ok], summary="Ý kiến chỉ đạo: chủ trì, phối hợp, để biết, hạn")
def direct(request: HttpRequest, doc_id: Id, payload: DirectIn) -> list[dict[str, Any]]:
    doc = selectors.document_get(acting_user(request), pk=doc_id)
    return [
        _ok(a)
        for a in services.incoming_direct(
            actor=acting_user(request),
            document=doc,
            directive=payload.directive,
            targets=_targets(acting_user(request), payload.targets),
        )
    ]


@router.post("/{int:doc_id}/handle-self", response=Ok, summary="Lãnh đạo trực tiếp xử lý")
def handle_self(request: HttpRequest, doc_id: Id, payload: NoteIn) -> dict[str, Any]:
    doc = selectors.document_get(acting_user(request), pk=doc_id)
    return _ok(services.incoming_handle_self(actor=acting_user(request), document=doc, note=payload.note))


@router.post("/{int:doc_id}/route", response=list[Ok], summary="Văn thư chuyển thẳng đơn vị xử lý (nếu cho phép)")
def route(request: HttpRequest, doc_id: Id, payload: DirectIn) -> list[dict[str, Any]]:
    doc = selectors.document_get(acting_user(request), pk=doc_id)
    return [
        _ok(a)
        for a in services.incoming_route(
            actor=acting_user(request),
            document=doc,
            note=payload.directive,
            targets=_targets(acting_user(request), payload.targets),
        )
    ]


# --- Assignment actions ------------------------------------------------------------------------


@router.post("/assignments/{int:aid}/assign", response=list[Ok], summary="Lãnh đạo phòng phân công trong phòng")
def assign(request: HttpRequest, aid: Id, payload: DirectIn) -> list[dict[str, Any]]:
    a = selectors.assignment_get(acting_user(request), pk=aid)
    return [
        _ok(x)
        for x in services.assignment_assign(
            actor=acting_user(request),
            assignment=a,
            note=payload.directive,
            targets=_targets(acting_user(request), payload.targets),
        )
    ]


@router.post("/assignments/{int:aid}/return", response=Ok, summary="Trả lại phần việc")
def assignment_return(request: HttpRequest, aid: Id, payload: ReasonIn) -> dict[str, Any]:
    a = selectors.assignment_get(acting_user(request), pk=aid)
    return _ok(services.assignment_return(actor=acting_user(request), assignment=a, reason=payload.reason))


@router.post("/assignments/{int:aid}/report", response=Ok, summary="Cập nhật tiến độ hoặc ý kiến")
def report(request: HttpRequest, aid: Id, payload: ReportIn) -> dict[str, Any]:
    a = selectors.assignment_get(acting_user(request), pk=aid)
    services.assignment_report(
        actor=acting_user(request), assignment=a, kind=payload.kind, text=payload.text, progress=payload.progress
    )
    a.refresh_from_db()
    return _ok(a)


@router.post("/assignments/{int:aid}/complete", response=Ok, summary="Hoàn thành phần việc (kết quả)")
def complete(request: HttpRequest, aid: Id, payload: CompleteIn) -> dict[str, Any]:
    a = selectors.assignment_get(acting_user(request), pk=aid)
    return _ok(services.assignment_complete(actor=acting_user(request), assignment=a, result=payload.result))


@router.post(
    "/assignments/{int:aid}/accept",
    response=Ok,
    summary="Người giao việc chấp nhận kết quả của phần chủ trì (văn bản hoàn thành)",
)
def accept(request: HttpRequest, aid: Id, payload: NoteIn) -> dict[str, Any]:
    a = selectors.assignment_get(acting_user(request), pk=aid)
    return _ok(services.assignment_accept(actor=acting_user(request), assignment=a, note=payload.note))


@router.post(
    "/assignments/{int:aid}/return-result",
    response=Ok,
    summary="Người giao việc trả lại kết quả của phần chủ trì (nêu lý do)",
)
def return_result(request: HttpRequest, aid: Id, payload: ReasonIn) -> dict[str, Any]:
    a = selectors.assignment_get(acting_user(request), pk=aid)
    return _ok(services.assignment_return_result(actor=acting_user(request), assignment=a, reason=payload.reason))


@router.post("/assignments/{int:aid}/extensions", response=Ok, summary="Đề nghị gia hạn")
def extension_request(request: HttpRequest, aid: Id, payload: ExtensionIn) -> dict[str, Any]:
    a = selectors.assignment_get(acting_user(request), pk=aid)
    return _ok(
        services.extension_request(
            actor=acting_user(request), assignment=a, new_due_date=payload.new_due_date, reason=payload.reason
        )
    )


@router.post("/extensions/{int:eid}/decide", response=Ok, summary="Đồng ý hoặc từ chối gia hạn")
def extension_decide(request: HttpRequest, eid: Id, payload: DecideIn) -> dict[str, Any]:
    ext = Extension.objects.filter(pk=eid).first()
    if ext is None:
        raise NotFound()
    selectors.assignment_get(acting_user(request), pk=ext.assignment_id)
    return _ok(
        services.extension_decide(actor=acting_user(request), extension=ext, grant=payload.grant, note=payload.note)
    )


@router.post(
    "/assignments/{int:aid}/reminders",
    response={201: dict[str, int]},
    summary="Đôn đốc (nhac_nho, phe_binh, kiem_diem)",
)
def remind(request: HttpRequest, aid: Id, payload: RemindIn) -> Status:
    a = selectors.assignment_get(acting_user(request), pk=aid)
    reminder = services.reminder_send(actor=acting_user(request), assignment=a, kind=payload.kind, text=payload.text)
    return Status(201, {"id": reminder.pk, "seq": reminder.seq})
