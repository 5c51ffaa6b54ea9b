"""Handling a part after it was given out, whatever started the work (a document or a task): the
department leader assigns it inside the department; the handler reports progress and opinions, returns a
part not started, completes it; whoever gave the lead's part accepts the result or sends it back. Every
step is written into the history of what started the work and finishes it through the row's workflow
(``workflows.py``), and notifies after commit."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from qlvb.core.errors import ValidationFailed
from qlvb.core.locks import row_locked
from qlvb.core.text import text_clean
from qlvb.directory import people
from qlvb.directory.delegation import delegation_acted, on_behalf_data, on_behalf_text
from qlvb.directory.models import User

from .assigning import Target, assignments_create, check_targets, describe
from .models import Assignment, AssignmentRole, AssignmentStatus, AssignmentUpdate
from .notify import notify_after_commit
from .preconditions import check_accept, check_assign, check_handle, check_return, follow_behalf
from .workflows import workflow_of

RELATED = ("document", "unit", "user")


def on_behalf(actor: User, assignment: Assignment, action: str, *, remind: bool = False) -> tuple[str, dict[str, Any]]:
    """A follow-up act done under a delegation (scope ``follow``): the history's suffix
    " (TL. Nguyễn Văn Hùng)" and data, and the audit entry ``delegation.acted`` (in the act's
    transaction). Nothing when the act is the actor's by his own right."""
    delegation = follow_behalf(actor, assignment, remind=remind)
    if delegation is None:
        return "", {}
    target = assignment.document if assignment.document_id is not None else assignment
    delegation_acted(actor=actor, delegation=delegation, scope="follow", action=action, obj=target)
    return on_behalf_text(delegation), on_behalf_data(delegation)


def handlers_of(assignment: Assignment) -> list[Any]:
    """Who handles a part: the person assigned, or the leaders of the unit it was given to."""
    if assignment.user_id is not None:
        return [assignment.user]
    return list(people.dept_leaders_of(assignment.unit))


@transaction.atomic
def assignment_assign(
    *, actor: User, assignment: Assignment, targets: list[Target], note: str = ""
) -> list[Assignment]:
    """The department leader assigns officers of the department to a department assignment."""
    assignment = row_locked(assignment, related=RELATED)
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
    workflow_of(assignment).record(
        assignment,
        actor=actor,
        action="assigned",
        text=(note + "\n" + describe(targets)).strip(),
        data={"parent": assignment.pk, "assignments": [a.pk for a in created]},
    )
    return created


@transaction.atomic
def assignment_return(*, actor: User, assignment: Assignment, reason: str) -> Assignment:
    """The department leader (or the person assigned) returns the assignment to whoever assigned it."""
    assignment = row_locked(assignment, related=RELATED)
    check_return(actor, assignment)
    reason = text_clean(reason, label="lý do trả lại", limit=4000, required=True)
    assignment.status = AssignmentStatus.RETURNED
    assignment.return_reason = reason
    assignment.save(update_fields=["status", "return_reason"])
    workflow_of(assignment).record(
        assignment,
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
    assignment = row_locked(assignment, related=RELATED)
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
    suffix = f" ({progress}%)" if progress is not None else ""
    workflow_of(assignment).record(
        assignment,
        actor=actor,
        action=kind,
        text=text + suffix,
        data={"assignment": assignment.pk, "progress": progress},
    )
    return update


def _finish_one(current: Assignment, *, actor: User, result: str, wait: bool) -> None:
    current.status = AssignmentStatus.AWAITING if wait else AssignmentStatus.DONE
    current.result = current.result or result
    current.progress = 100
    current.completed_at = timezone.now()
    current.save(update_fields=["status", "result", "progress", "completed_at"])
    workflow_of(current).record(
        current,
        actor=actor,
        action="completion_submitted" if wait else "assignment_done",
        text=f"{current.get_role_display()} — {current.assignee_label}: {result}".strip(),
        data={"assignment": current.pk},
    )


def _complete_up(assignment: Assignment, *, actor: User, result: str) -> Assignment | None:
    """Complete ``assignment`` and, for a lead, the open parts above it; returns the top part left waiting
    for acceptance, if any."""
    current: Assignment | None = assignment
    while current is not None:
        workflow = workflow_of(current)
        top_lead = current.role == AssignmentRole.LEAD and current.parent_id is None
        wait = top_lead and workflow.needs_acceptance(current, actor=actor)
        _finish_one(current, actor=actor, result=result, wait=wait)
        if wait:
            return current
        if current.role != AssignmentRole.LEAD:
            return None
        if current.parent_id is None:
            workflow.top_done(current, actor=actor, result=result)
            return None
        assert current.parent is not None  # parent_id is set
        parent = row_locked(current.parent, related=RELATED)
        current = parent if parent.is_open else None
    return None


@transaction.atomic
def assignment_complete(*, actor: User, assignment: Assignment, result: str) -> Assignment:
    """Mark the assignment done with its result. The lead's completion completes the department's
    assignment above it. At the top, the lead's part waits for whoever assigned it to accept it
    ("Chờ chấp nhận kết quả", when the workflow asks for it); otherwise it finishes the document or task."""
    assignment = row_locked(assignment, related=RELATED)
    check_handle(actor, assignment)
    result = text_clean(result, label="kết quả xử lý", limit=4000, required=assignment.role != AssignmentRole.INFO)
    awaiting = _complete_up(assignment, actor=actor, result=result)
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
    assignment = row_locked(assignment, related=RELATED)
    check_accept(actor, assignment)
    return assignment


@transaction.atomic
def assignment_accept(*, actor: User, assignment: Assignment, note: str = "") -> Assignment:
    """Whoever assigned the lead's part accepts the reported result: the part is done and the document or
    task finished (through the workflow)."""
    assignment = _awaiting(actor, assignment)
    note = text_clean(note, label="ghi chú", limit=4000)
    assignment.status = AssignmentStatus.DONE
    assignment.accepted_by = actor
    assignment.accepted_at = timezone.now()
    assignment.save(update_fields=["status", "accepted_by", "accepted_at"])
    behalf_text, behalf = on_behalf(actor, assignment, "completion_accepted")
    workflow = workflow_of(assignment)
    workflow.record(
        assignment,
        actor=actor,
        action="completion_accepted",
        text=f"{assignment.assignee_label}{behalf_text}{': ' + note if note else ''}",
        data={"assignment": assignment.pk, **behalf},
    )
    workflow.top_done(assignment, actor=actor, result=assignment.result)
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
    behalf_text, behalf = on_behalf(actor, assignment, "completion_returned")
    workflow_of(assignment).record(
        assignment,
        actor=actor,
        action="completion_returned",
        text=f"{assignment.assignee_label}{behalf_text}: {reason}",
        data={"assignments": [a.pk for a in reopened], **behalf},
    )
    handlers = [u for a in reopened for u in handlers_of(a)]
    notify_after_commit(
        users=handlers,
        kind="returned",
        exclude=actor,
        assignment_id=assignment.pk,
        document_id=assignment.document_id,
        text=f"Kết quả xử lý bị trả lại: {reason[:200]}",
    )
    return assignment


__all__ = [
    "Target",
    "assignment_accept",
    "assignment_assign",
    "assignment_complete",
    "assignment_report",
    "assignment_return",
    "assignment_return_result",
    "handlers_of",
]
