"""What the shared handling of assignments (``qlvb.assignments``) asks of a document's parts: the history
is the document's events, the lead's finished part completes the document, the agency's leaders follow
every part up and the clerks may remind (registered in ``apps.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone

from qlvb.assignments.handling import handlers_of
from qlvb.assignments.models import Assignment, AssignmentRole, AssignmentStatus
from qlvb.assignments.notify import notify_after_commit
from qlvb.assignments.preconditions import OPEN
from qlvb.core.locks import row_locked
from qlvb.documents.events import event_record
from qlvb.documents.models import Document, DocumentStatus

from . import conf, people, policies

if TYPE_CHECKING:
    from qlvb.directory.models import User


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
            users=handlers_of(a),
            kind="completed",
            exclude=actor,
            document_id=document.pk,
            assignment_id=a.pk,
            text=f"Văn bản đã hoàn thành ({a.get_role_display().lower()} của bạn"
            f"{' được đóng' if closed else ''}): {subject}",
        )


class DocumentWorkflow:
    def record(self, assignment: Assignment, *, actor: User, action: str, text: str, data: dict[str, Any]) -> None:
        if assignment.document is not None:
            event_record(assignment.document, actor=actor, action=action, text=text, data=data)

    def finished(self, assignment: Assignment) -> bool:
        document = assignment.document
        return document is not None and document.status == DocumentStatus.COMPLETED

    def needs_acceptance(self, top: Assignment, *, actor: User) -> bool:
        """The lead's part waits for whoever assigned it unless the deployment turned acceptance off, or the
        assigner is the one completing it (a leader handling it himself, or completing the part in person)."""
        return conf.acceptance_required() and top.assigned_by_id not in (top.user_id, actor.pk)

    def top_done(self, assignment: Assignment, *, actor: User, result: str) -> None:
        if assignment.document is not None:
            _complete_document(assignment.document, actor=actor, result=result)

    def can_assign_in(self, actor: User, assignment: Assignment) -> bool:
        return policies.can_assign_in(actor, assignment)

    def can_follow(self, actor: User, assignment: Assignment) -> bool:
        return policies.can_accept(actor, assignment)

    def can_remind(self, actor: User, assignment: Assignment) -> bool:
        return policies.can_remind(actor, assignment)
