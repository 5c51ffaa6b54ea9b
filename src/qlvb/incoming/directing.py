"""The document's way to its handlers after registration: the clerk submits it to a leader (or routes it
straight to a department, Điều 23.1); the leader returns it, gives a direction (one lead, supports, for
information, due dates) or handles it himself. Each step writes its event and notifies after commit."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from qlvb.assignments.models import Assignment, AssignmentRole, AssignmentStatus
from qlvb.assignments.notify import notify_after_commit
from qlvb.core.errors import ValidationFailed
from qlvb.core.locks import row_locked
from qlvb.core.text import text_clean
from qlvb.directory.delegation import delegation_acted, on_behalf_data, on_behalf_text
from qlvb.directory.models import User
from qlvb.documents.events import event_record
from qlvb.documents.models import Document, DocumentStatus

from . import people
from .assigning import Target, assignments_create, check_targets, describe
from .preconditions import check_direct, check_return_to_clerk, check_route, check_submit, direct_delegation


def _on_behalf(actor: User, document: Document, action: str) -> dict[str, Any]:
    """What the history entry adds when ``actor`` acts under a delegation: " (KT. Nguyễn Văn Hùng)" and
    the grantor, the delegation and its competence in the event's data; the act is recorded in the audit
    log (``delegation.acted``, rolled back with the act if it is refused later)."""
    delegation = direct_delegation(actor, document)
    if delegation is None:
        return {}
    delegation_acted(actor=actor, delegation=delegation, scope="direct", action=action, obj=document)
    return {"text": on_behalf_text(delegation), "data": on_behalf_data(delegation)}


def _flag(document: Document, assigns_tasks: bool) -> None:
    """Mark the document "văn bản giao nhiệm vụ" (the direction's form never unmarks it)."""
    if assigns_tasks and not document.assigns_tasks:
        document.assigns_tasks = True
        document.save(update_fields=["assigns_tasks"])


def _hand_out(
    *, actor: User, document: Document, targets: list[Target], text: str, action: str, on_behalf: dict[str, Any]
) -> list[Assignment]:
    """The document's parts given out (by a leader's direction or the clerk's routing): one lead, its due
    dates, the document in progress, one event naming who got what."""
    check_targets(targets, agency=document.agency, need_one_lead=True)
    created = assignments_create(
        actor=actor,
        document=document,
        agency=document.agency,
        targets=targets,
        directive=text,
        parent=None,
        default_due=document.due_date,
    )
    document.status = DocumentStatus.IN_PROGRESS
    document.save(update_fields=["status"])
    event_record(
        document,
        actor=actor,
        action=action,
        text=(text + "\n" + describe(targets)).strip() + on_behalf.get("text", ""),
        data={"assignments": [a.pk for a in created], **on_behalf.get("data", {})},
    )
    return created


@transaction.atomic
def incoming_submit(*, actor: User, document: Document, leader: User | None = None, note: str = "") -> Document:
    """Trình: the clerk submits a registered (or returned) document to a leader."""
    document = row_locked(document)
    check_submit(actor, document)
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
def incoming_return_to_clerk(*, actor: User, document: Document, reason: str) -> Document:
    """The leader returns a submitted document to the clerk, with a reason."""
    document = row_locked(document)
    check_return_to_clerk(actor, document)
    behalf = _on_behalf(actor, document, "returned_to_clerk")
    reason = text_clean(reason, label="lý do trả lại", limit=4000, required=True)
    document.status = DocumentStatus.RETURNED
    document.save(update_fields=["status"])
    event_record(
        document,
        actor=actor,
        action="returned_to_clerk",
        text=reason + behalf.get("text", ""),
        data=behalf.get("data", {}),
    )
    notify_after_commit(
        users=people.clerks_of(document.agency),
        kind="returned",
        document_id=document.pk,
        text=f"Văn bản bị trả lại: {document.subject[:150]} — {reason[:200]}",
    )
    return document


@transaction.atomic
def incoming_direct(
    *, actor: User, document: Document, directive: str, targets: list[Target], assigns_tasks: bool = False
) -> list[Assignment]:
    """Ý kiến chỉ đạo: one lead, any supports and for-information recipients, a due date each; the leader may
    mark the document "văn bản giao nhiệm vụ" at the same time (never unmarks it)."""
    document = row_locked(document)
    check_direct(actor, document)
    behalf = _on_behalf(actor, document, "directed")
    _flag(document, assigns_tasks)
    return _hand_out(
        actor=actor,
        document=document,
        targets=targets,
        text=text_clean(directive, label="ý kiến chỉ đạo", limit=4000),
        action="directed",
        on_behalf=behalf,
    )


@transaction.atomic
def incoming_handle_self(*, actor: User, document: Document, note: str = "") -> Assignment:
    """The leader handles the document himself: a lead assignment to himself."""
    document = row_locked(document)
    check_direct(actor, document)
    behalf = _on_behalf(actor, document, "self_handled")
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
    event_record(
        document,
        actor=actor,
        action="self_handled",
        text=text_clean(note, label="ghi chú", limit=4000) + behalf.get("text", ""),
        data=behalf.get("data", {}),
    )
    return assignment


@transaction.atomic
def incoming_route(
    *, actor: User, document: Document, targets: list[Target], note: str = "", assigns_tasks: bool = False
) -> list[Assignment]:
    """The clerk routes a registered document straight to its handler (Điều 23.1), when enabled."""
    document = row_locked(document)
    check_route(actor, document)
    _flag(document, assigns_tasks)
    return _hand_out(
        actor=actor,
        document=document,
        targets=targets,
        text=text_clean(note, label="ghi chú", limit=4000),
        action="routed",
        on_behalf={},
    )
