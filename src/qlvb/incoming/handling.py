"""The handling flow after registration: submit to a leader, the leader's direction (or handling it
himself, or returning it), the clerk's direct routing, assignment inside departments, progress,
opinions and completion. Every action writes a DocumentEvent and notifies after commit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from qlvb.assignments.models import Assignment, AssignmentRole, AssignmentStatus, AssignmentUpdate
from qlvb.assignments.notify import notify_after_commit
from qlvb.core.errors import Conflict, PermissionDenied, ValidationFailed
from qlvb.core.locks import row_locked
from qlvb.core.permissions import has, require
from qlvb.core.text import text_clean
from qlvb.directory.models import Unit, User
from qlvb.documents.events import event_record
from qlvb.documents.models import Document, DocumentStatus

from . import conf, people, policies

DIRECTABLE = (DocumentStatus.REGISTERED, DocumentStatus.SUBMITTED, DocumentStatus.RETURNED)


@dataclass
class Target:
    """One recipient of a direction or an assignment: a department or a person, with a role and a due date."""

    role: str
    unit: Unit | None = None
    user: User | None = None
    due_date: dt.date | None = None

    @property
    def label(self) -> str:
        if self.user is not None:
            return self.user.full_name
        return self.unit.name if self.unit is not None else "—"


def _check_targets(targets: list[Target], *, agency: Unit, need_one_lead: bool) -> None:
    if not targets:
        raise ValidationFailed("Cần chọn ít nhất một đơn vị hoặc người nhận.")
    leads = [t for t in targets if t.role == AssignmentRole.LEAD]
    if need_one_lead and len(leads) != 1:
        raise ValidationFailed("Cần chọn đúng một đơn vị hoặc người chủ trì.")
    if len(leads) > 1:
        raise ValidationFailed("Chỉ được có một đơn vị hoặc người chủ trì.")
    seen: set[tuple[str, int]] = set()
    for t in targets:
        if t.role not in AssignmentRole.values:
            raise ValidationFailed("Vai trò xử lý không hợp lệ.")
        if (t.unit is None) == (t.user is None):
            raise ValidationFailed("Mỗi dòng phân công là một đơn vị hoặc một người.")
        if t.user is not None:
            if t.user.unit is None or t.user.unit.agency_id != agency.pk or not t.user.is_active:
                raise ValidationFailed(f"{t.user.full_name} không thuộc cơ quan xử lý văn bản này.")
            key = ("user", t.user.pk)
        else:
            assert t.unit is not None
            if t.unit.kind != "department" or t.unit.agency_id != agency.pk:
                raise ValidationFailed(f"{t.unit.name} không phải phòng ban của cơ quan.")
            key = ("unit", t.unit.pk)
        if key in seen:
            raise ValidationFailed(f"{t.label} được chọn hai lần.")
        seen.add(key)


def _check_dues(targets: list[Target], *, default_due: dt.date | None, parent: Assignment | None) -> None:
    """Every handling deadline lies today or later (a past one would be "quá hạn" the moment it is given),
    and a sub-assignment's deadline never lies after the deadline of the part it comes from. "Để biết" rows
    carry no deadline of their own to check."""
    today = timezone.localdate()
    limit = parent.due_date if parent is not None else None
    for t in targets:
        due = t.due_date or default_due
        if due is None or t.role == AssignmentRole.INFO:
            continue
        if due < today:
            raise ValidationFailed(
                f"Hạn xử lý của {t.label} ({due:%d/%m/%Y}) đã qua: chọn một ngày từ hôm nay ({today:%d/%m/%Y}) trở đi.",
                details={"field": "due_date"},
            )
        if limit is not None and due > limit:
            raise ValidationFailed(
                f"Hạn xử lý của {t.label} ({due:%d/%m/%Y}) không được sau hạn của phần việc được giao "
                f"({limit:%d/%m/%Y}).",
                details={"field": "due_date"},
            )


def _create_assignments(
    *,
    actor: Any,
    document: Document | None,
    agency: Unit,
    targets: list[Target],
    directive: str,
    parent: Assignment | None,
    default_due: dt.date | None,
) -> list[Assignment]:
    _check_dues(targets, default_due=default_due, parent=parent)
    now = timezone.now()
    created = []
    for t in targets:
        unit = t.unit if t.user is None else t.user.unit
        assert unit is not None
        a = Assignment.objects.create(
            document=document,
            agency=agency,
            parent=parent,
            role=t.role,
            unit=unit,
            user=t.user,
            assigned_by=actor,
            assigned_at=now,
            directive=directive,
            due_date=t.due_date or default_due,
        )
        created.append(a)
        recipients = [t.user] if t.user is not None else list(people.dept_leaders_of(unit))
        subject = document.subject[:200] if document is not None else directive[:200]
        notify_after_commit(
            users=recipients,
            kind="assigned",
            exclude=actor,
            text=f"{a.get_role_display()}: {subject}",
            document_id=document.pk if document else None,
            assignment_id=a.pk,
        )
    return created


def _describe(targets: list[Target]) -> str:
    parts = []
    for role in (AssignmentRole.LEAD, AssignmentRole.SUPPORT, AssignmentRole.INFO):
        chosen = [t for t in targets if t.role == role]
        if chosen:
            parts.append(
                f"{role.label}: "
                + ", ".join(t.label + (f" (hạn {t.due_date:%d/%m/%Y})" if t.due_date else "") for t in chosen)
            )
    return "; ".join(parts)


@transaction.atomic
def incoming_submit(*, actor: Any, document: Document, leader: User | None = None, note: str = "") -> Document:
    """Trình: the clerk submits a registered (or returned) document to a leader."""
    require(actor, "incoming.submit", unit=document.agency)
    document = row_locked(document)
    if document.status not in (DocumentStatus.REGISTERED, DocumentStatus.RETURNED):
        raise Conflict("Chỉ trình được văn bản đã vào sổ hoặc bị trả lại.")
    if leader is not None and not people.leaders_of(document.agency).filter(pk=leader.pk).exists():
        raise ValidationFailed(f"{leader.full_name} không phải lãnh đạo của cơ quan.")
    document.status = DocumentStatus.SUBMITTED
    document.submitted_to = leader
    document.save(update_fields=["status", "submitted_to"])
    note = text_clean(note, label="ghi chú", limit=4000)
    event_record(
        document,
        actor=actor,
        action="submitted",
        text=(f"Trình {leader.full_name}. " if leader else "Trình lãnh đạo. ") + note,
        data={"leader": leader.pk if leader else None},
    )
    notify_after_commit(
        users=[leader] if leader else people.leaders_of(document.agency),
        kind="new_document",
        text=f"Văn bản trình xin ý kiến: {document.subject[:200]}",
        document_id=document.pk,
    )
    return document


@transaction.atomic
def incoming_return_to_clerk(*, actor: Any, document: Document, reason: str) -> Document:
    """The leader returns a submitted document to the clerk, with a reason."""
    require(actor, "incoming.direct", unit=document.agency)
    reason = text_clean(reason, label="lý do trả lại", limit=4000, required=True)
    document = row_locked(document)
    if document.status != DocumentStatus.SUBMITTED:
        raise Conflict("Chỉ trả lại được văn bản đang chờ cho ý kiến.")
    document.status = DocumentStatus.RETURNED
    document.save(update_fields=["status"])
    event_record(document, actor=actor, action="returned_to_clerk", text=reason)
    notify_after_commit(
        users=people.clerks_of(document.agency),
        kind="returned",
        document_id=document.pk,
        text=f"Văn bản bị trả lại: {document.subject[:150]} — {reason[:200]}",
    )
    return document


@transaction.atomic
def incoming_direct(*, actor: Any, document: Document, directive: str, targets: list[Target]) -> list[Assignment]:
    """Ý kiến chỉ đạo: one lead, any supports and for-information recipients, a due date each."""
    require(actor, "incoming.direct", unit=document.agency)
    directive = text_clean(directive, label="ý kiến chỉ đạo", limit=4000)
    document = row_locked(document)
    if document.status not in DIRECTABLE:
        raise Conflict("Văn bản này không ở trạng thái chờ cho ý kiến chỉ đạo.")
    _check_targets(targets, agency=document.agency, need_one_lead=True)
    created = _create_assignments(
        actor=actor,
        document=document,
        agency=document.agency,
        targets=targets,
        directive=directive,
        parent=None,
        default_due=document.due_date,
    )
    document.status = DocumentStatus.IN_PROGRESS
    document.save(update_fields=["status"])
    event_record(
        document,
        actor=actor,
        action="directed",
        text=(directive + "\n" + _describe(targets)).strip(),
        data={"assignments": [a.pk for a in created]},
    )
    return created


@transaction.atomic
def incoming_handle_self(*, actor: Any, document: Document, note: str = "") -> Assignment:
    """The leader handles the document himself: a lead assignment to himself."""
    require(actor, "incoming.direct", unit=document.agency)
    document = row_locked(document)
    if document.status not in DIRECTABLE:
        raise Conflict("Văn bản này không ở trạng thái chờ cho ý kiến chỉ đạo.")
    now = timezone.now()
    assignment = Assignment.objects.create(
        document=document,
        agency=document.agency,
        role=AssignmentRole.LEAD,
        unit=actor.unit or document.agency,
        user=actor,
        assigned_by=actor,
        assigned_at=now,
        directive=text_clean(note, label="ghi chú", limit=4000),
        due_date=document.due_date,
        status=AssignmentStatus.IN_PROGRESS,
    )
    document.status = DocumentStatus.IN_PROGRESS
    document.save(update_fields=["status"])
    event_record(document, actor=actor, action="self_handled", text=text_clean(note, label="ghi chú", limit=4000))
    return assignment


@transaction.atomic
def incoming_route(*, actor: Any, document: Document, targets: list[Target], note: str = "") -> list[Assignment]:
    """The clerk routes a registered document straight to its handler (Điều 23.1), when enabled."""
    require(actor, "incoming.route", unit=document.agency)
    if not conf.direct_routing_enabled():
        raise PermissionDenied("Cơ quan không cho phép văn thư chuyển thẳng văn bản đến đơn vị xử lý.")
    document = row_locked(document)
    if document.status not in (DocumentStatus.REGISTERED, DocumentStatus.RETURNED):
        raise Conflict("Chỉ chuyển được văn bản đã vào sổ.")
    _check_targets(targets, agency=document.agency, need_one_lead=True)
    note = text_clean(note, label="ghi chú", limit=4000)
    created = _create_assignments(
        actor=actor,
        document=document,
        agency=document.agency,
        targets=targets,
        directive=note,
        parent=None,
        default_due=document.due_date,
    )
    document.status = DocumentStatus.IN_PROGRESS
    document.save(update_fields=["status"])
    event_record(
        document,
        actor=actor,
        action="routed",
        text=(note + "\n" + _describe(targets)).strip(),
        data={"assignments": [a.pk for a in created]},
    )
    return created


@transaction.atomic
def assignment_assign(*, actor: Any, assignment: Assignment, targets: list[Target], note: str = "") -> list[Assignment]:
    """The department leader assigns officers of the department to a department assignment."""
    assignment = row_locked(assignment, related=("document", "unit", "user"))
    if assignment.user_id is not None or not policies.can_assign_in(actor, assignment):
        raise PermissionDenied("Chỉ lãnh đạo phòng được giao mới phân công được.")
    if not assignment.is_open:
        raise Conflict("Phần việc này đã kết thúc hoặc bị trả lại.")
    if assignment.children.exists():
        raise Conflict("Phần việc này đã được phân công.")
    for t in targets:
        if t.user is None or t.user.unit_id != assignment.unit_id:
            raise ValidationFailed("Chỉ phân công cho người của phòng.")
    _check_targets(targets, agency=assignment.agency, need_one_lead=assignment.role == AssignmentRole.LEAD)
    note = text_clean(note, label="ghi chú", limit=4000)
    created = _create_assignments(
        actor=actor,
        document=assignment.document,
        agency=assignment.agency,
        targets=targets,
        directive=note,
        parent=assignment,
        default_due=assignment.due_date,
    )
    assignment.status = AssignmentStatus.IN_PROGRESS
    assignment.save(update_fields=["status"])
    if assignment.document is not None:
        event_record(
            assignment.document,
            actor=actor,
            action="assigned",
            text=(note + "\n" + _describe(targets)).strip(),
            data={"parent": assignment.pk, "assignments": [a.pk for a in created]},
        )
    return created


@transaction.atomic
def assignment_return(*, actor: Any, assignment: Assignment, reason: str) -> Assignment:
    """The department leader (or the person assigned) returns the assignment to whoever assigned it."""
    assignment = row_locked(assignment, related=("document", "unit", "user"))
    allowed = policies.is_assignee(actor, assignment) or (
        assignment.user_id is None and policies.can_assign_in(actor, assignment)
    )
    if not allowed:
        raise PermissionDenied()
    if assignment.status != AssignmentStatus.PENDING:
        raise Conflict("Chỉ trả lại được phần việc chưa bắt đầu xử lý.")
    reason = text_clean(reason, label="lý do trả lại", limit=4000, required=True)
    assignment.status = AssignmentStatus.RETURNED
    assignment.return_reason = reason
    assignment.save(update_fields=["status", "return_reason"])
    if assignment.document is not None:
        event_record(
            assignment.document,
            actor=actor,
            action="assignment_returned",
            text=f"{assignment.assignee_label}: {reason}",
            data={"assignment": assignment.pk},
        )
    notify_after_commit(
        users=[assignment.assigned_by],
        kind="returned",
        assignment_id=assignment.pk,
        document_id=assignment.document_id,
        text=f"{assignment.assignee_label} trả lại phần việc: {reason[:200]}",
    )
    return assignment


def _may_handle(actor: Any, assignment: Assignment) -> bool:
    if policies.is_assignee(actor, assignment):
        return True
    return assignment.user_id is None and policies.can_assign_in(actor, assignment)


@transaction.atomic
def assignment_report(
    *, actor: Any, assignment: Assignment, text: str, kind: str = "progress", progress: int | None = None
) -> AssignmentUpdate:
    """The handler records an opinion or progress (percent optional)."""
    assignment = row_locked(assignment, related=("document", "unit", "user"))
    if not _may_handle(actor, assignment):
        raise PermissionDenied()
    if not assignment.is_open:
        raise Conflict("Phần việc đã kết thúc.")
    if kind not in AssignmentUpdate.Kind.values:
        raise ValidationFailed("Loại cập nhật không hợp lệ.")
    if progress is not None and not 0 <= progress <= 100:
        raise ValidationFailed("Tiến độ phải từ 0 đến 100%.")
    text = text_clean(text, label="nội dung", limit=4000, required=True)
    update = AssignmentUpdate.objects.create(
        assignment=assignment, author=actor, kind=kind, text=text, progress=progress, created_at=timezone.now()
    )
    fields = []
    if assignment.status == AssignmentStatus.PENDING:
        assignment.status = AssignmentStatus.IN_PROGRESS
        fields.append("status")
    if progress is not None:
        assignment.progress = progress
        fields.append("progress")
    if fields:
        assignment.save(update_fields=fields)
    if assignment.document is not None:
        suffix = f" ({progress}%)" if progress is not None else ""
        event_record(
            assignment.document,
            actor=actor,
            action=kind,
            text=text + suffix,
            data={"assignment": assignment.pk, "progress": progress},
        )
    return update


OPEN = (AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS)


def _handlers_of(assignment: Assignment) -> list[Any]:
    if assignment.user_id is not None:
        return [assignment.user]
    return list(people.dept_leaders_of(assignment.unit))


def _complete_document(document: Document, *, actor: Any, result: str) -> None:
    """The lead's part is done (and accepted when the deployment asks for it): the document is completed.
    Assignments still open (a supporting unit that never reported, "để biết" rows nobody marked) are closed
    with one event naming them, and everyone who took part is told."""
    document = row_locked(document)
    if document.status == DocumentStatus.COMPLETED:
        return
    now = timezone.now()
    document.status = DocumentStatus.COMPLETED
    document.completed_at = now
    document.save(update_fields=["status", "completed_at"])
    event_record(document, actor=actor, action="completed", text=result)
    rows = list(
        Assignment.objects.select_for_update(of=("self",)).filter(document=document).select_related("unit", "user")
    )
    left_open = [a for a in rows if a.status in OPEN]
    if left_open:
        Assignment.objects.filter(pk__in=[a.pk for a in left_open]).update(
            status=AssignmentStatus.CLOSED, completed_at=now
        )
        event_record(
            document,
            actor=actor,
            action="assignments_closed",
            text="; ".join(
                f"{a.get_role_display()} — {a.assignee_label} ({a.get_status_display().lower()})" for a in left_open
            ),
            data={"assignments": [a.pk for a in left_open]},
        )
    subject = document.subject[:200]
    directors = [a.assigned_by_id for a in rows if a.parent_id is None]
    notify_after_commit(
        users=[*people.clerks_of(document.agency), *directors],
        kind="completed",
        exclude=actor,
        document_id=document.pk,
        text=f"Văn bản đã giải quyết xong: {subject}",
    )
    lead_side = {a.pk for a in rows if a.role == AssignmentRole.LEAD}
    for a in rows:
        if a.pk in lead_side:
            continue
        closed = a in left_open
        notify_after_commit(
            users=_handlers_of(a),
            kind="completed",
            exclude=actor,
            document_id=document.pk,
            assignment_id=a.pk,
            text=f"Văn bản đã hoàn thành ({a.get_role_display().lower()} của bạn"
            f"{' được đóng' if closed else ''}): {subject}",
        )


def _needs_acceptance(top: Assignment, *, actor: Any) -> bool:
    """The lead's part waits for whoever assigned it unless the deployment turned acceptance off, or the
    assigner is the one completing it (a leader handling it himself, or completing the part in person)."""
    return (
        conf.acceptance_required() and top.document_id is not None and top.assigned_by_id not in (top.user_id, actor.pk)
    )


@transaction.atomic
def assignment_complete(*, actor: Any, assignment: Assignment, result: str) -> Assignment:
    """Mark the assignment done with its result. The lead's completion completes the department's
    assignment above it. At the top, the lead's part waits for whoever assigned it to accept it
    ("Chờ chấp nhận kết quả", ``conf.acceptance_required``); without that rule it completes the document."""
    assignment = row_locked(assignment, related=("document", "unit", "user"))
    if not _may_handle(actor, assignment):
        raise PermissionDenied()
    if not assignment.is_open:
        raise Conflict("Phần việc đã kết thúc.")
    result = text_clean(result, label="kết quả xử lý", limit=4000, required=assignment.role != AssignmentRole.INFO)
    awaiting: Assignment | None = None
    current: Assignment | None = assignment
    while current is not None:
        top_lead = current.role == AssignmentRole.LEAD and current.parent_id is None
        wait = top_lead and _needs_acceptance(current, actor=actor)
        current.status = AssignmentStatus.AWAITING if wait else AssignmentStatus.DONE
        current.result = current.result or result
        current.progress = 100
        current.completed_at = timezone.now()
        current.save(update_fields=["status", "result", "progress", "completed_at"])
        if current.document is not None:
            event_record(
                current.document,
                actor=actor,
                action="completion_submitted" if wait else "assignment_done",
                text=f"{current.get_role_display()} — {current.assignee_label}: {result}".strip(),
                data={"assignment": current.pk},
            )
        if wait:
            awaiting = current
            break
        if current.role != AssignmentRole.LEAD:
            break
        if current.parent_id is None:
            if current.document is not None:
                _complete_document(current.document, actor=actor, result=result)
            break
        assert current.parent is not None  # parent_id is set
        parent = row_locked(current.parent, related=("document", "unit", "user"))
        current = parent if parent.is_open else None
    if awaiting is not None:
        notify_after_commit(
            users=[awaiting.assigned_by],
            kind="acceptance",
            exclude=actor,
            assignment_id=awaiting.pk,
            document_id=awaiting.document_id,
            text=f"{awaiting.assignee_label} báo cáo hoàn thành, chờ anh/chị chấp nhận: {result[:200]}",
        )
    if assignment.user_id is not None and awaiting is not assignment:
        notify_after_commit(
            users=[assignment.assigned_by],
            kind="completed",
            exclude=actor,
            assignment_id=assignment.pk,
            document_id=assignment.document_id,
            text=f"{assignment.assignee_label} đã hoàn thành: {result[:200]}",
        )
    return assignment


def _awaiting(actor: Any, assignment: Assignment) -> Assignment:
    assignment = row_locked(assignment, related=("document", "unit", "user"))
    if not policies.can_accept(actor, assignment):
        raise PermissionDenied("Chỉ người đã giao việc hoặc lãnh đạo cơ quan mới chấp nhận hay trả lại kết quả.")
    if assignment.status != AssignmentStatus.AWAITING:
        raise Conflict("Phần việc này không chờ chấp nhận kết quả.")
    return assignment


@transaction.atomic
def assignment_accept(*, actor: Any, assignment: Assignment, note: str = "") -> Assignment:
    """Whoever assigned the lead's part accepts the reported result: the part is done and the document
    completed (open supporting rows are closed and their people told)."""
    assignment = _awaiting(actor, assignment)
    note = text_clean(note, label="ghi chú", limit=4000)
    assignment.status = AssignmentStatus.DONE
    assignment.accepted_by = actor
    assignment.accepted_at = timezone.now()
    assignment.save(update_fields=["status", "accepted_by", "accepted_at"])
    if assignment.document is not None:
        event_record(
            assignment.document,
            actor=actor,
            action="completion_accepted",
            text=f"{assignment.assignee_label}{': ' + note if note else ''}",
            data={"assignment": assignment.pk},
        )
        _complete_document(assignment.document, actor=actor, result=assignment.result)
    return assignment


def _lead_chain(assignment: Assignment) -> list[Assignment]:
    """The lead rows under ``assignment`` that its completion went up through."""
    chain = []
    children = list(
        assignment.children.select_for_update(of=("self",))
        .filter(role=AssignmentRole.LEAD, status=AssignmentStatus.DONE)
        .select_related("unit", "user")
    )
    for child in children:
        chain += [child, *_lead_chain(child)]
    return chain


@transaction.atomic
def assignment_return_result(*, actor: Any, assignment: Assignment, reason: str) -> Assignment:
    """Whoever assigned the lead's part sends the reported result back, with a reason: the part and the
    lead rows below it are open again ("Đang xử lý") and their handlers are told."""
    assignment = _awaiting(actor, assignment)
    reason = text_clean(reason, label="lý do trả lại kết quả", limit=4000, required=True)
    reopened = [assignment, *_lead_chain(assignment)]
    for a in reopened:
        a.status = AssignmentStatus.IN_PROGRESS
        a.result = ""
        a.completed_at = None
        a.return_reason = reason
        a.save(update_fields=["status", "result", "completed_at", "return_reason"])
    if assignment.document is not None:
        event_record(
            assignment.document,
            actor=actor,
            action="completion_returned",
            text=f"{assignment.assignee_label}: {reason}",
            data={"assignments": [a.pk for a in reopened]},
        )
    handlers = [u for a in reopened for u in _handlers_of(a)]
    notify_after_commit(
        users=handlers,
        kind="returned",
        exclude=actor,
        assignment_id=assignment.pk,
        document_id=assignment.document_id,
        text=f"Kết quả xử lý bị trả lại: {reason[:200]}",
    )
    return assignment


def can_act(actor: Any, document: Document) -> set[str]:
    """The document-level actions ``actor`` may take now (assignment actions are per row)."""
    allowed: set[str] = set()
    status = document.status
    if has(actor, "incoming.receive", unit=document.agency) and status == DocumentStatus.RECEIVED:
        allowed.add("register")
    if has(actor, "incoming.submit", unit=document.agency) and status in (
        DocumentStatus.REGISTERED,
        DocumentStatus.RETURNED,
    ):
        allowed.add("submit")
        if has(actor, "incoming.route", unit=document.agency) and conf.direct_routing_enabled():
            allowed.add("route")
    if has(actor, "incoming.receive", unit=document.agency) and status not in (
        DocumentStatus.REJECTED,
        DocumentStatus.WITHDRAWN,
    ):
        allowed.update({"correct", "files"})
    if has(actor, "incoming.reject", unit=document.agency) and status in (
        DocumentStatus.RECEIVED,
        DocumentStatus.REGISTERED,
    ):
        allowed.add("reject")
    if has(actor, "incoming.direct", unit=document.agency):
        if status in DIRECTABLE:
            allowed.update({"direct", "handle_self"})
        if status == DocumentStatus.SUBMITTED:
            allowed.add("return")
    return allowed
