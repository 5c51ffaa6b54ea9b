"""Tasks under ``/api/v1/tasks``: the same selectors and services as the pages (the parts' actions are the
assignments' shared handling)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from qlvb.assignments import followup, handling
from qlvb.assignments.assigning import Target
from qlvb.assignments.models import Assignment, Extension
from qlvb.assignments.preconditions import assignment_actions
from qlvb.core.bounds import Id
from qlvb.core.errors import NotFound, ValidationFailed
from qlvb.directory.models import Unit, User
from qlvb.directory.selectors import acting_user
from qlvb.documents.models import Direction, Document
from qlvb.documents.seen import seen_mode
from qlvb.documents.seen_models import SeenHow
from qlvb.documents.visibility import document_visible_get
from qlvb.files.models import StoredFile

from . import task_links as links
from . import task_seen
from . import task_selectors as selectors
from . import task_services as services
from .task_models import Task

router = Router(tags=["tasks"])
LIST_LIMIT = 200


class WhoIn(Schema):
    """A person (``user_id``) or a department (``unit_id``) of the agency."""

    user_id: Id | None = None
    unit_id: Id | None = None


class TaskIn(Schema):
    title: str = Field(..., max_length=500)
    content: str = Field("", max_length=10000)
    due_date: dt.date
    lead: WhoIn
    supports: list[WhoIn] = Field(default_factory=list, max_length=100)
    infos: list[WhoIn] = Field(default_factory=list, max_length=100)
    priority: int = Field(1, ge=0, le=3, description="0 thấp, 1 bình thường, 2 cao, 3 khẩn")
    recurrence: str = Field("", description="'', weekly, monthly, quarterly")
    document_ids: list[Id] = Field(default_factory=list, max_length=100)
    dossier_ids: list[Id] = Field(default_factory=list, max_length=100)
    parent_id: Id | None = None
    file_ids: list[Id] = Field(default_factory=list, max_length=20, description="Tệp đã tải lên qua /files")


class FromDocumentIn(Schema):
    items: list[str] = Field(..., min_length=1, max_length=50, description="Mỗi nhiệm vụ một dòng")
    lead: WhoIn
    supports: list[WhoIn] = Field(default_factory=list, max_length=100)
    due_date: dt.date


class PartOut(Schema):
    id: int
    parent_id: int | None
    role: str
    assignee: str
    user_id: int | None
    unit_id: int
    status: str
    progress: int
    due_date: dt.date | None
    result: str
    actions: list[str]


class TaskOut(Schema):
    id: int
    title: str
    content: str
    status: str
    priority: int
    due_date: dt.date
    overdue: bool
    recurrence: str
    origin: str
    outside_lead: str
    created_by: str
    created_at: dt.datetime
    completed_at: dt.datetime | None
    parent_id: int | None
    source_document_id: int | None
    document_ids: list[int]
    dossier_ids: list[int]
    unseen: bool = False  # in lists: a task the caller handles and has not seen yet ("đã xem")


class TaskSeenReceiptOut(Schema):
    user_id: int
    user_name: str
    seen_at: dt.datetime
    how: str  # opened, explicit, api


class TaskSeenOut(Schema):
    task_id: int
    mode: str  # the agency's: "opening" or "explicit"
    receipts: list[TaskSeenReceiptOut]


class TaskDetailOut(TaskOut):
    parts: list[PartOut]
    subtask_ids: list[int]


class TaskReportIn(Schema):
    text: str = Field(..., max_length=4000)
    kind: str = "progress"
    progress: int | None = Field(None, ge=0, le=100)


class ResultIn(Schema):
    result: str = Field("", max_length=4000)


class TaskNoteIn(Schema):
    note: str = Field("", max_length=4000)


class TaskReasonIn(Schema):
    reason: str = Field(..., max_length=4000)


class AssignIn(Schema):
    lead_user_id: Id | None = None
    support_user_ids: list[Id] = Field(default_factory=list, max_length=100)
    due_date: dt.date | None = None
    note: str = Field("", max_length=4000)


class TaskRemindIn(Schema):
    kind: str = Field(..., description="nhac_nho, phe_binh, kiem_diem")
    text: str = Field(..., max_length=1000)


class TaskExtensionIn(Schema):
    new_due_date: dt.date
    reason: str = Field(..., max_length=4000)


class TaskDecideIn(Schema):
    grant: bool
    note: str = Field("", max_length=4000)


class TaskFilterIn(Schema):
    box: str = Field("mine", description="mine, assigned, unit, all")
    status: str = Field("", description="open, done")
    due_from: dt.date | None = None
    due_to: dt.date | None = None
    assigner: Id | None = None
    sort: Literal["", "unseen"] = Field("", description="unseen: chưa xem trước")
    limit: int = Field(50, ge=1, le=LIST_LIMIT)
    offset: int = Field(0, ge=0, le=1_000_000)


def _task(t: Task) -> dict[str, Any]:
    return {
        "id": t.pk,
        "title": t.title,
        "content": t.content,
        "status": t.status,
        "priority": t.priority,
        "due_date": t.due_date,
        "overdue": t.is_overdue,
        "recurrence": t.recurrence,
        "origin": t.origin,
        "outside_lead": t.outside_lead,
        "created_by": t.created_by.full_name,
        "created_at": t.created_at,
        "completed_at": t.completed_at,
        "parent_id": t.parent_id,
        "source_document_id": t.source_document_id,
        "document_ids": [d.pk for d in t.documents.all()],
        "dossier_ids": [d.pk for d in t.dossiers.all()],
        "unseen": bool(getattr(t, "unseen", False)),
    }


def _part(actor: User, a: Assignment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "parent_id": a.parent_id,
        "role": a.role,
        "assignee": a.assignee_label,
        "user_id": a.user_id,
        "unit_id": a.unit_id,
        "status": a.status,
        "progress": a.progress,
        "due_date": a.due_date,
        "result": a.result,
        "actions": assignment_actions(actor, a),
    }


def _detail(actor: User, t: Task) -> dict[str, Any]:
    return {
        **_task(t),
        "parts": [_part(actor, a) for a in selectors.task_parts(t)],
        "subtask_ids": list(selectors.tasks_visible_to(actor).filter(parent=t).values_list("pk", flat=True)),
    }


def _who(who: WhoIn, role: str) -> Target:
    if (who.user_id is None) == (who.unit_id is None):
        raise ValidationFailed("Mỗi người nhận là một người (user_id) hoặc một phòng (unit_id).")
    if who.user_id is not None:
        user = User.objects.select_related("unit").filter(pk=who.user_id).first()
        if user is None:
            raise ValidationFailed(f"Không có người dùng mã {who.user_id}.")
        return Target(role=role, user=user)
    unit = Unit.objects.filter(pk=int(who.unit_id or 0)).first()
    if unit is None:
        raise ValidationFailed(f"Không có đơn vị mã {who.unit_id}.")
    return Target(role=role, unit=unit)


def _own_files(actor: User, ids: list[int]) -> list[StoredFile]:
    files = list(StoredFile.objects.filter(pk__in=ids, uploaded_by=actor))
    if len(files) != len(set(ids)):
        raise ValidationFailed("Chỉ đính kèm được tệp do chính anh/chị tải lên.")
    return files


def _part_of(request: HttpRequest, pk: int) -> Assignment:
    return selectors.assignment_of_task(acting_user(request), pk)[1]


@router.get("", response=list[TaskOut], summary="Công việc: của tôi, tôi giao, của đơn vị (lọc theo trạng thái, hạn)")
def task_list(request: HttpRequest, filters: Query[TaskFilterIn]) -> list[dict[str, Any]]:
    f = selectors.TaskFilter(
        box=filters.box,
        status=filters.status,
        due_from=filters.due_from,
        due_to=filters.due_to,
        assigner=filters.assigner,
        sort=filters.sort,
    )
    rows = selectors.tasks_list(acting_user(request), f).prefetch_related("documents", "dossiers")
    return [_task(t) for t in rows[filters.offset : filters.offset + filters.limit]]


@router.post("", response={201: TaskDetailOut}, summary="Giao việc (lãnh đạo, lãnh đạo phòng)")
def task_create(request: HttpRequest, payload: TaskIn) -> Status:
    actor = acting_user(request)
    parent = selectors.task_get(actor, payload.parent_id) if payload.parent_id else None
    data = services.TaskInput(
        title=payload.title,
        content=payload.content,
        due_date=payload.due_date,
        targets=[
            _who(payload.lead, "lead"),
            *(_who(w, "support") for w in payload.supports),
            *(_who(w, "info") for w in payload.infos),
        ],
        priority=payload.priority,
        recurrence=payload.recurrence,
        document_ids=payload.document_ids,
        dossier_ids=payload.dossier_ids,
        files=_own_files(actor, payload.file_ids),
    )
    task = services.task_create(actor=actor, data=data, parent=parent)
    return Status(201, _detail(actor, task))


@router.get("/{int:task_id}", response=TaskDetailOut, summary="Một công việc với các phần việc và thao tác được phép")
def task_get(request: HttpRequest, task_id: Id) -> dict[str, Any]:
    actor = acting_user(request)
    return _detail(actor, selectors.task_get(actor, task_id))


def _seen(actor: User, t: Task) -> dict[str, Any]:
    return {
        "task_id": t.pk,
        "mode": seen_mode(t.agency_id),
        "receipts": [
            {"user_id": r.user_id, "user_name": r.user.full_name, "seen_at": r.seen_at, "how": r.how}
            for r in task_seen.task_receipts(actor, t)
        ],
    }


@router.get("/{int:task_id}/seen", response=TaskSeenOut, summary="Ai trong số người được giao đã xem công việc")
def task_seen_list(request: HttpRequest, task_id: Id) -> dict[str, Any]:
    actor = acting_user(request)
    return _seen(actor, selectors.task_get(actor, task_id))


@router.post("/{int:task_id}/seen", response=TaskSeenOut, summary="Đánh dấu đã xem công việc (người được giao)")
def task_seen_mark(request: HttpRequest, task_id: Id) -> dict[str, Any]:
    actor = acting_user(request)
    task = selectors.task_get(actor, task_id)
    task_seen.task_seen_mark(actor=actor, task=task, how=SeenHow.API)
    return _seen(actor, task)


@router.post(
    "/from-document/{int:document_id}",
    response={201: list[TaskOut]},
    summary="Văn bản giao nhiệm vụ: mỗi nhiệm vụ thành một công việc, trong một bước",
)
def from_document(request: HttpRequest, document_id: Id, payload: FromDocumentIn) -> Status:
    actor = acting_user(request)
    doc: Document | None = None
    for direction in (Direction.INCOMING, Direction.OUTGOING):
        try:
            doc = document_visible_get(actor, direction, document_id)
            break
        except NotFound:
            continue
    if doc is None:
        raise NotFound()
    targets = [_who(payload.lead, "lead"), *(_who(w, "support") for w in payload.supports)]
    items = [services.TaskInput(title=t, due_date=payload.due_date, targets=list(targets)) for t in payload.items]
    tasks = services.tasks_from_document(actor=actor, document=doc, items=items)
    return Status(201, [_task(t) for t in tasks])


@router.post("/parts/{int:part_id}/report", response=PartOut, summary="Báo cáo tiến độ (%) hoặc ý kiến")
def part_report(request: HttpRequest, part_id: Id, payload: TaskReportIn) -> dict[str, Any]:
    actor = acting_user(request)
    a = _part_of(request, part_id)
    handling.assignment_report(
        actor=actor, assignment=a, text=payload.text, kind=payload.kind, progress=payload.progress
    )
    return _part(actor, _part_of(request, part_id))


@router.post("/parts/{int:part_id}/assign", response={201: list[PartOut]}, summary="Phân công trong phòng")
def part_assign(request: HttpRequest, part_id: Id, payload: AssignIn) -> Status:
    actor = acting_user(request)
    a = _part_of(request, part_id)
    targets = [_who(WhoIn(user_id=payload.lead_user_id), "lead")] if payload.lead_user_id else []
    targets += [_who(WhoIn(user_id=u), "support") for u in payload.support_user_ids]
    for t in targets:
        t.due_date = payload.due_date
    created = handling.assignment_assign(actor=actor, assignment=a, targets=targets, note=payload.note)
    return Status(201, [_part(actor, c) for c in created])


@router.post("/parts/{int:part_id}/complete", response=PartOut, summary="Hoàn thành phần việc (kèm kết quả)")
def part_complete(request: HttpRequest, part_id: Id, payload: ResultIn) -> dict[str, Any]:
    actor = acting_user(request)
    handling.assignment_complete(actor=actor, assignment=_part_of(request, part_id), result=payload.result)
    return _part(actor, _part_of(request, part_id))


@router.post("/parts/{int:part_id}/accept", response=PartOut, summary="Người giao chấp nhận kết quả")
def part_accept(request: HttpRequest, part_id: Id, payload: TaskNoteIn) -> dict[str, Any]:
    actor = acting_user(request)
    handling.assignment_accept(actor=actor, assignment=_part_of(request, part_id), note=payload.note)
    return _part(actor, _part_of(request, part_id))


@router.post("/parts/{int:part_id}/return-result", response=PartOut, summary="Người giao trả lại kết quả")
def part_return_result(request: HttpRequest, part_id: Id, payload: TaskReasonIn) -> dict[str, Any]:
    actor = acting_user(request)
    handling.assignment_return_result(actor=actor, assignment=_part_of(request, part_id), reason=payload.reason)
    return _part(actor, _part_of(request, part_id))


@router.post("/parts/{int:part_id}/remind", response={201: dict}, summary="Đôn đốc (nhắc nhở, phê bình, kiểm điểm)")
def part_remind(request: HttpRequest, part_id: Id, payload: TaskRemindIn) -> Status:
    r = followup.reminder_send(
        actor=acting_user(request), assignment=_part_of(request, part_id), kind=payload.kind, text=payload.text
    )
    return Status(201, {"id": r.pk, "seq": r.seq, "kind": r.kind})


@router.post("/parts/{int:part_id}/extension", response={201: dict}, summary="Đề nghị gia hạn")
def part_extension(request: HttpRequest, part_id: Id, payload: TaskExtensionIn) -> Status:
    ext = followup.extension_request(
        actor=acting_user(request),
        assignment=_part_of(request, part_id),
        new_due_date=payload.new_due_date,
        reason=payload.reason,
    )
    return Status(201, {"id": ext.pk, "status": ext.status})


@router.post("/extensions/{int:extension_id}/decide", response=dict, summary="Người giao quyết định gia hạn")
def extension_decide(request: HttpRequest, extension_id: Id, payload: TaskDecideIn) -> dict[str, Any]:
    ext = Extension.objects.filter(pk=extension_id, assignment__document__isnull=True).first()
    if ext is None:
        raise NotFound()
    _part_of(request, ext.assignment_id)  # the task is one the actor may see
    ext = followup.extension_decide(actor=acting_user(request), extension=ext, grant=payload.grant, note=payload.note)
    return {"id": ext.pk, "status": ext.status}


class TaskLinksIn(Schema):
    document_ids: list[Id] = Field(default_factory=list, max_length=100)
    dossier_ids: list[Id] = Field(default_factory=list, max_length=100)


class TaskLinksOut(Schema):
    document_ids: list[int]
    dossier_ids: list[int]


class TaskLinkChoiceOut(Schema):
    kind: str = Field(..., description="document | dossier")
    id: int
    label: str
    direction: str = Field("", description="Văn bản: incoming | outgoing")


class TaskLinkChoicesQuery(Schema):
    q: str = Field("", max_length=200, description="Số, ký hiệu, trích yếu (văn bản); số và ký hiệu, tiêu đề (hồ sơ)")


@router.post(
    "/{int:task_id}/documents",
    response=TaskLinksOut,
    summary="Đổi văn bản, hồ sơ liên quan của công việc (người giao việc, lãnh đạo)",
)
def task_documents(request: HttpRequest, task_id: Id, payload: TaskLinksIn) -> dict[str, list[int]]:
    actor = acting_user(request)
    task = selectors.task_get(actor, task_id)
    documents, dossiers = links.task_documents_set(
        actor=actor, task=task, document_ids=payload.document_ids, dossier_ids=payload.dossier_ids
    )
    return {"document_ids": documents, "dossier_ids": dossiers}


@router.get(
    "/{int:task_id}/documents/choices",
    response=list[TaskLinkChoiceOut],
    summary="Tìm văn bản, hồ sơ để liên kết (chỉ những gì người hỏi được xem)",
)
def task_document_choices(request: HttpRequest, task_id: Id, q: Query[TaskLinkChoicesQuery]) -> list[Any]:
    actor = acting_user(request)
    task = selectors.task_get(actor, task_id)
    links.check_change_links(actor, task)
    return list(links.link_choices(actor, q.q))
