"""Handling a part after it was given out: the department leader assigns it inside the department; the
handler reports progress and opinions, returns a part not started, completes it; whoever gave the lead's
part accepts the result or sends it back, and the document is completed. Every action writes a
DocumentEvent and notifies after commit. (Submitting, directing and routing: ``directing.py``.)"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from qlvb.assignments.models import Assignment, AssignmentRole, AssignmentStatus, AssignmentUpdate
from qlvb.assignments.notify import notify_after_commit
from qlvb.core.errors import ValidationFailed
from qlvb.core.locks import row_locked
from qlvb.core.text import text_clean
from qlvb.directory.models import User
from qlvb.documents.events import event_record
from qlvb.documents.models import Document, DocumentStatus

from . import conf, people
from .assigning import Target, assignments_create, check_targets, describe
from .directing import (
    incoming_direct,
    incoming_handle_self,
    incoming_return_to_clerk,
    incoming_route,
    incoming_submit,
)
from .preconditions import OPEN, check_accept, check_assign, check_handle, check_return

# Callers import the directing services from here too (``services.py`` is the one list of them all).
__all__ = [
    "Target",
    "assignment_accept",
    "assignment_assign",
    "assignment_complete",
    "assignment_report",
    "assignment_return",
    "assignment_return_result",
    "incoming_direct",
    "incoming_handle_self",
    "incoming_return_to_clerk",
    "incoming_route",
    "incoming_submit",
]


@transaction.atomic
def assignment_assign(
    *, actor: User, assignment: Assignment, targets: list[Target], note: str = ""
) -> list[Assignment]:
    """The department leader assigns officers of the department to a department assignment."""
    assignment = row_locked(assignment, related=("document", "unit", "user"))
    check_assign(actor, assignment)
    for t in targets:
        if t.user is None or t.user.unit_id != assignment.unit_id:
            raise ValidationFailed("Chỉ phân công cho người của phòng.")
    check_targets(targets, agency=assignment.agency, need_one_lead=assignment.role == AssignmentRole.LEAD)
    note = text_clean(note, label="ghi chú", limit=4000)
    created = assignments_create(
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
            text=(note + "\n" + describe(targets)).strip(),
            data={"parent": assignment.pk, "assignments": [a.pk for a in created]},
        )
    return created


@transaction.atomic
def assignment_return(*, actor: User, assignment: Assignment, reason: str) -> Assignment:
    """The department leader (or the person assigned) returns the assignment to whoever assigned it."""
    assignment = row_locked(assignment, related=("document", "unit", "user"))
    check_return(actor, assignment)
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


@transaction.atomic
def assignment_report(
    *, actor: User, assignment: Assignment, text: str, kind: str = "progress", progress: int | None = None
) -> AssignmentUpdate:
    """The handler records an opinion or progress (percent optional)."""
    assignment = row_locked(assignment, related=("document", "unit", "user"))
    check_handle(actor, assignment)
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


def _handlers_of(assignment: Assignment) -> list[Any]:
    if assignment.user_id is not None:
        return [assignment.user]
    return list(people.dept_leaders_of(assignment.unit))


def _complete_document(document: Document, *, actor: User, result: str) -> None:
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


def _needs_acceptance(top: Assignment, *, actor: User) -> bool:
    """The lead's part waits for whoever assigned it unless the deployment turned acceptance off, or the
    assigner is the one completing it (a leader handling it himself, or completing the part in person)."""
    return (
        conf.acceptance_required() and top.document_id is not None and top.assigned_by_id not in (top.user_id, actor.pk)
    )


@transaction.atomic
def assignment_complete(*, actor: User, assignment: Assignment, result: str) -> Assignment:
    """Mark the assignment done with its result. The lead's completion completes the department's
    assignment above it. At the top, the lead's part waits for whoever assigned it to accept it
    ("Chờ chấp nhận kết quả", ``conf.acceptance_required``); without that rule it completes the document."""
    assignment = row_locked(assignment, related=("document", "unit", "user"))
    check_handle(actor, assignment)
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


def _awaiting(actor: User, assignment: Assignment) -> Assignment:
    assignment = row_locked(assignment, related=("document", "unit", "user"))
    check_accept(actor, assignment)
    return assignment


@transaction.atomic
def assignment_accept(*, actor: User, assignment: Assignment, note: str = "") -> Assignment:
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
def assignment_return_result(*, actor: User, assignment: Assignment, reason: str) -> Assignment:
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
