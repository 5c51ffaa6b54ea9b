"""Every write on tasks themselves: giving a task (with its parts, files, links, sub-tasks), adding a file,
the next occurrence of a recurring task. The handling of the parts (progress, completion, acceptance,
extensions, reminders) is the assignments' own (``qlvb.assignments.handling``, ``.followup``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from qlvb.assignments.assigning import Target, assignments_create, check_targets, describe
from qlvb.assignments.models import AssignmentRole
from qlvb.core.errors import NotFound, ValidationFailed
from qlvb.core.locks import row_locked
from qlvb.core.text import text_clean
from qlvb.directory.models import Unit, User
from qlvb.documents.deliveries import Delivery
from qlvb.documents.models import Direction, Document
from qlvb.documents.visibility import documents_visible_to, dossier_ids_visible
from qlvb.files.models import StoredFile

from .errors import ErrorCode
from .task_models import Recurrence, Task, TaskFile, TaskFileKind, TaskOrigin, TaskPart, TaskPriority
from .task_preconditions import check_add_file, check_create, check_give_to, check_subtask
from .task_workflow import task_event


@dataclass
class TaskInput:
    """What a leader fills in to give a task. ``targets`` hold one lead (a person or a department of the
    agency), the supporting and the informed; their own due dates default to the task's."""

    title: str
    due_date: dt.date
    targets: list[Target]
    content: str = ""
    priority: int = TaskPriority.NORMAL
    recurrence: str = Recurrence.NONE
    document_ids: Sequence[int] = ()
    dossier_ids: Sequence[int] = ()
    outside_lead: str = ""
    files: list[StoredFile] = field(default_factory=list)


def _agency(actor: User) -> Unit:
    assert actor.unit is not None  # check_create
    return actor.unit.agency or actor.unit


def _check_due(due: dt.date, *, parent: Task | None) -> None:
    today = timezone.localdate()
    if due < today:
        raise ValidationFailed(
            f"Hạn hoàn thành {due:%d/%m/%Y} đã qua: chọn một ngày từ hôm nay ({today:%d/%m/%Y}) trở đi.",
            code=ErrorCode.DUE_IN_PAST,
            details={"field": "due_date"},
        )
    if parent is not None and due > parent.due_date:
        raise ValidationFailed(
            f"Hạn của việc con ({due:%d/%m/%Y}) không được sau hạn của công việc cha ({parent.due_date:%d/%m/%Y}).",
            details={"field": "due_date"},
        )


def _check_targets(actor: User, targets: list[Target], agency: Unit) -> None:
    """Every handler is a person or a department of the actor's agency (a clear refusal naming who is not),
    and a department head gives only inside his department."""
    for t in targets:
        if t.user is not None and (t.user.unit is None or t.user.unit.agency_id != agency.pk or not t.user.is_active):
            raise ValidationFailed(
                f"{t.user.full_name} không phải cán bộ của {agency.name}: chỉ giao việc cho người trong cơ quan.",
                code=ErrorCode.OUTSIDE_AGENCY,
                details={"field": "targets"},
            )
        if t.unit is not None and t.unit.agency_id != agency.pk:
            raise ValidationFailed(
                f"{t.unit.name} không thuộc {agency.name}: chỉ giao việc cho phòng ban trong cơ quan.",
                code=ErrorCode.OUTSIDE_AGENCY,
                details={"field": "targets"},
            )
    check_targets(targets, agency=agency, need_one_lead=True)
    for t in targets:
        unit = t.unit if t.user is None else t.user.unit
        assert unit is not None
        check_give_to(actor, unit)


def _linked_documents(actor: User, ids: Sequence[int]) -> list[Document]:
    if not ids:
        return []
    wanted = set(ids)
    found = list(
        (documents_visible_to(actor, Direction.INCOMING) | documents_visible_to(actor, Direction.OUTGOING)).filter(
            pk__in=wanted
        )
    )
    if len(found) != len(wanted):
        raise ValidationFailed("Có văn bản liên kết không tồn tại hoặc anh/chị không được xem.")
    return found


def _check_dossiers(actor: User, ids: Sequence[int]) -> list[int]:
    """Every linked dossier is one ``actor`` may see; any other id is refused as not found (no hint that
    it exists)."""
    wanted = {int(i) for i in ids}
    if wanted - dossier_ids_visible(actor, wanted):
        raise NotFound("Có hồ sơ liên kết không tồn tại hoặc anh/chị không được xem.")
    return sorted(wanted)


def _make(
    *, actor: User, data: TaskInput, agency: Unit, parent: Task | None, origin: str, source: Document | None
) -> Task:
    title = text_clean(data.title, label="tên công việc", limit=500, required=True)
    content = text_clean(data.content, label="nội dung", limit=10000)
    if data.priority not in TaskPriority.values:
        raise ValidationFailed("Mức độ ưu tiên không hợp lệ.")
    if data.recurrence not in Recurrence.values:
        raise ValidationFailed("Kiểu lặp lại không hợp lệ.")
    documents = _linked_documents(actor, data.document_ids)
    dossier_ids = _check_dossiers(actor, data.dossier_ids)
    task = Task.objects.create(
        agency=agency,
        title=title,
        content=content,
        priority=data.priority,
        due_date=data.due_date,
        created_by=actor,
        created_at=timezone.now(),
        parent=parent,
        origin=origin,
        source_document=source,
        outside_lead=text_clean(data.outside_lead, label="cơ quan chủ trì", limit=500),
        recurrence=data.recurrence,
    )
    if documents:
        task.documents.set(documents)
    if dossier_ids:
        task.dossiers.set(dossier_ids)
    rows = assignments_create(
        actor=actor,
        document=None,
        agency=agency,
        targets=data.targets,
        directive=title,
        parent=None,
        default_due=data.due_date,
    )
    TaskPart.objects.bulk_create([TaskPart(task=task, assignment=a) for a in rows])
    now = timezone.now()
    TaskFile.objects.bulk_create(
        [
            TaskFile(task=task, stored_file=f, kind=TaskFileKind.ATTACHMENT, added_by=actor, added_at=now)
            for f in data.files
        ]
    )
    task_event(task, actor=actor, action="created", text=describe(data.targets), data={"parts": [a.pk for a in rows]})
    return task


@transaction.atomic
def task_create(*, actor: User, data: TaskInput, parent: Task | None = None) -> Task:
    """Giao việc: a leader (anywhere in the agency) or a department head (inside his department) gives a
    task with one lead, supporting and informed people, a due date from today on, its files and links; a
    sub-task hangs under ``parent`` and ends no later than it."""
    check_create(actor)
    if parent is not None:
        parent = row_locked(parent)
        check_subtask(actor, parent)
    agency = _agency(actor)
    if parent is not None and parent.agency_id != agency.pk:
        raise NotFound()
    _check_due(data.due_date, parent=parent)
    _check_targets(actor, data.targets, agency)
    return _make(actor=actor, data=data, agency=agency, parent=parent, origin=TaskOrigin.DIRECT, source=None)


@transaction.atomic
def tasks_from_document(*, actor: User, document: Document, items: list[TaskInput]) -> list[Task]:
    """A document that gives tasks (văn bản giao nhiệm vụ) turned into tasks in one step: each item of its
    directive becomes a task linked to it. Giving the same item of the same document twice is refused."""
    check_create(actor)
    agency = _agency(actor)
    if document.agency_id != agency.pk or not (
        documents_visible_to(actor, document.direction).filter(pk=document.pk).exists()
    ):
        raise NotFound()
    if not items:
        raise ValidationFailed("Chưa có nhiệm vụ nào để giao.")
    origin = TaskOrigin.INCOMING if document.direction == Direction.INCOMING else TaskOrigin.OUTGOING
    tasks = []
    for item in items:
        _check_due(item.due_date, parent=None)
        _check_targets(actor, item.targets, agency)
        item.document_ids = sorted({*item.document_ids, document.pk})
        title = text_clean(item.title, label="tên công việc", limit=500, required=True)
        if Task.objects.filter(source_document=document, title=title, parent__isnull=True).exists():
            raise ValidationFailed(f"Nhiệm vụ “{title}” của văn bản này đã được giao.")
        tasks.append(_make(actor=actor, data=item, agency=agency, parent=None, origin=origin, source=document))
    return tasks


@transaction.atomic
def task_follow_outgoing(
    *, actor: User, document: Document, outside_lead: str, follower: User, title: str, due_date: dt.date
) -> Task:
    """An issued outgoing document that gives work to other agencies (NĐ 30 Điều 14.3.b) is followed as a
    task: the lead is the outside agency (as text), followed by an officer of ours (the task's lead part)."""
    if document.direction != Direction.OUTGOING or document.issued_date is None:
        raise ValidationFailed("Chỉ theo dõi được văn bản đi đã ban hành.")
    if not outside_lead.strip():
        raise ValidationFailed("Cần ghi tên cơ quan được giao chủ trì.", details={"field": "outside_lead"})
    item = TaskInput(
        title=title,
        due_date=due_date,
        targets=[Target(role=AssignmentRole.LEAD, user=follower)],
        outside_lead=outside_lead,
    )
    return tasks_from_document(actor=actor, document=document, items=[item])[0]


def outgoing_recipients(document: Document) -> list[str]:
    """The places an issued outgoing document was sent to (its deliveries, in the order recorded)."""
    names = Delivery.objects.filter(document=document).order_by("pk").values_list("organ_name", flat=True)
    return list(dict.fromkeys(n.strip() for n in names if n.strip()))


@transaction.atomic
def tasks_follow_recipients(
    *, actor: User, document: Document, recipients: Sequence[str], follower: User, title: str, due_date: dt.date
) -> list[Task]:
    """A "văn bản giao nhiệm vụ" issued to several agencies: the work given to each recipient followed at
    once, one task per recipient (its outside lead, named in the title: "<title> — <recipient>"), all followed
    by the same officer of ours. A recipient already followed for the same work is refused."""
    if document.direction != Direction.OUTGOING or document.issued_date is None:
        raise ValidationFailed("Chỉ theo dõi được văn bản đi đã ban hành.")
    known = outgoing_recipients(document)
    chosen = [r for r in known if r in set(recipients)]
    if not chosen or len(chosen) != len(set(recipients)):
        raise ValidationFailed("Chọn một hoặc nhiều nơi nhận của văn bản.", details={"field": "recipients"})
    items = [
        TaskInput(
            title=f"{title.strip()} — {r}"[:500],
            due_date=due_date,
            targets=[Target(role=AssignmentRole.LEAD, user=follower)],
            outside_lead=r,
        )
        for r in chosen
    ]
    return tasks_from_document(actor=actor, document=document, items=items)


@transaction.atomic
def task_file_add(*, actor: User, task: Task, stored_file: StoredFile, kind: str) -> TaskFile:
    task = row_locked(task)
    if kind not in TaskFileKind.values:
        raise ValidationFailed("Loại tệp không hợp lệ.")
    check_add_file(actor, task, kind=kind)
    f = TaskFile.objects.create(task=task, stored_file=stored_file, kind=kind, added_by=actor, added_at=timezone.now())
    task_event(task, actor=actor, action="file_added", text=stored_file.name, data={"file": f.pk, "kind": kind})
    return f
