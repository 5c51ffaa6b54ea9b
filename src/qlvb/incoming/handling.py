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
from qlvb.core.errors import ValidationFailed
from qlvb.core.text import nfc
from qlvb.directory.models import Unit, User
from qlvb.documents.events import event_record
from qlvb.documents.models import Document, DocumentStatus

from . import conf, people
from .preconditions import (
    OPEN,
    check_accept,
    check_assign,
    check_direct,
    check_handle,
    check_return,
    check_return_to_clerk,
    check_route,
    check_submit,
)


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


def _locked(document: Document) -> Document:
    return Document.objects.select_for_update().get(pk=document.pk)


def _text(value: str, *, required: str | None = None, limit: int = 4000) -> str:
    value = nfc(value or "")
    if required and not value:
        raise ValidationFailed(required)
    if len(value) > limit:
        raise ValidationFailed(f"Nội dung dài quá {limit} ký tự.")
    return value


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
    document = _locked(document)
    check_submit(actor, document)
    if leader is not None and not people.leaders_of(document.agency).filter(pk=leader.pk).exists():
        raise ValidationFailed(f"{leader.full_name} không phải lãnh đạo của cơ quan.")
    document.status = DocumentStatus.SUBMITTED
    document.submitted_to = leader
    document.save(update_fields=["status", "submitted_to"])
    note = _text(note)
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
    document = _locked(document)
    check_return_to_clerk(actor, document)
    reason = _text(reason, required="Cần nêu lý do trả lại.")
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
    document = _locked(document)
    check_direct(actor, document)
    directive = _text(directive)
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
    document = _locked(document)
    check_direct(actor, document)
    now = timezone.now()
    assignment = Assignment.objects.create(
        document=document,
        agency=document.agency,
        role=AssignmentRole.LEAD,
        unit=actor.unit or document.agency,
        user=actor,
        assigned_by=actor,
        assigned_at=now,
        directive=_text(note),
        due_date=document.due_date,
        status=AssignmentStatus.IN_PROGRESS,
    )
    document.status = DocumentStatus.IN_PROGRESS
    document.save(update_fields=["status"])
    event_record(document, actor=actor, action="self_handled", text=_text(note))
    return assignment


@transaction.atomic
def incoming_route(*, actor: Any, document: Document, targets: list[Target], note: str = "") -> list[Assignment]:
    """The clerk routes a registered document straight to its handler (Điều 23.1), when enabled."""
    document = _locked(document)
    check_route(actor, document)
    _check_targets(targets, agency=document.agency, need_one_lead=True)
    note = _text(note)
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


def _locked_assignment(assignment: Assignment) -> Assignment:
    query = Assignment.objects.select_for_update(of=("self",)).select_related("document", "unit", "user")
    return query.get(pk=assignment.pk)


@transaction.atomic
def assignment_assign(*, actor: Any, assignment: Assignment, targets: list[Target], note: str = "") -> list[Assignment]:
    """The department leader assigns officers of the department to a department assignment."""
    assignment = _locked_assignment(assignment)
    check_assign(actor, assignment)
    for t in targets:
        if t.user is None or t.user.unit_id != assignment.unit_id:
            raise ValidationFailed("Chỉ phân công cho người của phòng.")
    _check_targets(targets, agency=assignment.agency, need_one_lead=assignment.role == AssignmentRole.LEAD)
    note = _text(note)
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
    assignment = _locked_assignment(assignment)
    check_return(actor, assignment)
    reason = _text(reason, required="Cần nêu lý do trả lại.")
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
    *, actor: Any, assignment: Assignment, text: str, kind: str = "progress", progress: int | None = None
) -> AssignmentUpdate:
    """The handler records an opinion or progress (percent optional)."""
    assignment = _locked_assignment(assignment)
    check_handle(actor, assignment)
    if kind not in AssignmentUpdate.Kind.values:
        raise ValidationFailed("Loại cập nhật không hợp lệ.")
    if progress is not None and not 0 <= progress <= 100:
        raise ValidationFailed("Tiến độ phải từ 0 đến 100%.")
    text = _text(text, required="Cần nhập nội dung.")
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


def _complete_document(document: Document, *, actor: Any, result: str) -> None:
    """The lead's part is done (and accepted when the deployment asks for it): the document is completed.
    Assignments still open (a supporting unit that never reported, "để biết" rows nobody marked) are closed
    with one event naming them, and everyone who took part is told."""
    document = _locked(document)
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
    assignment = _locked_assignment(assignment)
    check_handle(actor, assignment)
    required = None if assignment.role == AssignmentRole.INFO else "Cần nhập kết quả xử lý."
    result = _text(result, required=required)
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
        parent = _locked_assignment(current.parent)  # type: ignore[arg-type]
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
    assignment = _locked_assignment(assignment)
    check_accept(actor, assignment)
    return assignment


@transaction.atomic
def assignment_accept(*, actor: Any, assignment: Assignment, note: str = "") -> Assignment:
    """Whoever assigned the lead's part accepts the reported result: the part is done and the document
    completed (open supporting rows are closed and their people told)."""
    assignment = _awaiting(actor, assignment)
    note = _text(note)
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
    reason = _text(reason, required="Cần nêu lý do trả lại kết quả.")
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
