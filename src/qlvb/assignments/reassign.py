"""Passing assignments to a successor (a person leaves or moves: ``operations.handover``). Two sides of an
assignment point at people: its handler (``user``) and whoever handed it out (``assigned_by``: he decides
extensions and accepts the result). Each service moves one side of the rows given, writes the document's
history ("handed_over") and returns the rows moved; the caller — who holds the right to hand the work
over — writes its own audit entry and record. Nothing is left pointing at the person who left."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from qlvb.core.errors import ValidationFailed
from qlvb.directory.models import User
from qlvb.documents.events import event_record

from .models import Assignment, AssignmentStatus

# Open from the handler's side and from the assigner's (a result waiting to be accepted, or sent back).
HANDLER_OPEN = (AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS)
ASSIGNER_OPEN = (
    AssignmentStatus.PENDING,
    AssignmentStatus.IN_PROGRESS,
    AssignmentStatus.AWAITING,
    AssignmentStatus.RETURNED,
)


def _agency_id(user: User) -> int | None:
    unit = user.unit
    return None if unit is None else (unit.agency_id or unit.pk)


def successor_check(assignment: Assignment, successor: User) -> None:
    """The successor works, and in the assignment's agency."""
    if not successor.is_active:
        raise ValidationFailed(f"Người nhận {successor.full_name} đã bị khóa tài khoản.")
    if _agency_id(successor) != assignment.agency_id:
        raise ValidationFailed(f"Người nhận {successor.full_name} không thuộc cơ quan của việc được giao.")


def assignments_handed_out_by(person: User) -> QuerySet[Assignment]:
    """The open assignments on documents ``person`` handed out to others (a direction, a routing, a
    department head's assignment) — what he still follows up and accepts."""
    return (
        Assignment.objects.filter(assigned_by=person, status__in=ASSIGNER_OPEN, document__isnull=False)
        .exclude(user=person)
        .select_related("document")
        .order_by("assigned_at", "pk")
    )


@transaction.atomic
def assignment_reassign(*, actor: User, assignment_id: int, successor: User, text: str) -> Assignment:
    """The handler's side: ``successor`` handles the assignment (a personal assignment's unit is the
    handler's department); one he gave himself (handled it himself) also follows him as its assigner."""
    a = Assignment.objects.select_for_update(of=("self",)).select_related("document").get(pk=assignment_id)
    successor_check(a, successor)
    fields = ["user"]
    if a.assigned_by_id == a.user_id:
        a.assigned_by = successor
        fields.append("assigned_by")
    a.user = successor
    if successor.unit_id is not None:
        a.unit_id = successor.unit_id
        fields.append("unit")
    a.save(update_fields=fields)
    if a.document is not None:
        event_record(a.document, actor=actor, action="handed_over", text=text, data={"assignment": a.pk})
    return a


@transaction.atomic
def assignment_assigner_reassign(*, actor: User, assignment_id: int, successor: User, text: str) -> Assignment:
    """The assigner's side: ``successor`` follows the assignment up — he decides extensions and accepts
    or returns the result, and the "Chờ chấp nhận kết quả" box is his."""
    a = Assignment.objects.select_for_update(of=("self",)).select_related("document").get(pk=assignment_id)
    successor_check(a, successor)
    a.assigned_by = successor
    a.save(update_fields=["assigned_by"])
    if a.document is not None:
        event_record(
            a.document,
            actor=actor,
            action="handed_over",
            text=f"{text} (người giao việc: {a.assignee_label})",
            data={"assignment": a.pk, "side": "assigned_by"},
        )
    return a


def assignments_assigner_reassign(
    *, actor: User, assignments: QuerySet[Assignment], person: User, successor: User, text: str
) -> list[Assignment]:
    """Every open row of ``assignments`` that ``person`` handed out now follows ``successor`` (a task's
    parts when the task passes to him)."""
    ids = list(assignments.filter(assigned_by=person, status__in=ASSIGNER_OPEN).values_list("pk", flat=True))
    return [assignment_assigner_reassign(actor=actor, assignment_id=pk, successor=successor, text=text) for pk in ids]
