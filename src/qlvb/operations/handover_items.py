"""What a person still holds (Điều 22.2.b, Điều 31 of the seed), one kind per function pair: the open
rows, and how each row passes to a successor. The move itself is the owning app's typed
``<entity>_reassign`` service (assignments, outgoing, direction, dossiers: it checks the successor, moves
the row and writes the item's own history); here each move adds the audit entry "chuyển giao từ X sang Y
do nghỉ việc/chuyển công tác". This module writes no other app's rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet

from qlvb.assignments.models import Assignment, AssignmentStatus
from qlvb.assignments.reassign import assignment_assigner_reassign, assignments_handed_out_by
from qlvb.core import audit
from qlvb.direction.task_models import Task, TaskStatus
from qlvb.direction.task_reassign import task_part_reassign, task_reassign
from qlvb.directory.models import User
from qlvb.dossiers.models import Dossier, DossierState
from qlvb.dossiers.reassign import dossier_creator_reassign
from qlvb.outgoing.models import EDITABLE_STATES, ApprovalStep, Outgoing, StepKind, StepStatus
from qlvb.outgoing.reassign import approval_step_reassign, outgoing_drafter_reassign, outgoing_signer_reassign

from .handover_models import ItemKind

OPEN_ASSIGNMENT = (AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS)
OPEN_STEP = (StepStatus.WAITING, StepStatus.PENDING)


@dataclass(frozen=True)
class Item:
    """One thing the person holds, as the page and the record show it."""

    kind: str
    pk: int
    label: str
    state: str

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.pk}"

    @property
    def kind_label(self) -> str:
        return str(ItemKind(self.kind).label)


@dataclass(frozen=True)
class Move:
    """The context of one handover, shared by every item's move."""

    actor: User
    person: User
    why: str  # "nghỉ việc" or "chuyển công tác"

    def text(self, successor: User) -> str:
        return f"Chuyển giao từ {self.person.full_name} sang {successor.full_name} do {self.why}"

    def audit(self, obj: Model, kind: str, successor: User) -> None:
        audit.record(
            "operations.item_handed_over",
            actor=self.actor,
            obj=obj,
            data={"kind": kind, "from": self.person.pk, "to": successor.pk, "text": self.text(successor)},
        )


# --- what is held ------------------------------------------------------------------------------------


def _assignments(person: User) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(user=person, status__in=OPEN_ASSIGNMENT)
        .select_related("document", "task_part__task")
        .order_by("assigned_at", "pk")
    )


def _assignment_label(a: Assignment) -> str:
    part = getattr(a, "task_part", None)
    what = a.document.subject if a.document is not None else (part.task.title if part is not None else a.directive)
    return f"{a.get_role_display()}: {what}"[:600]


def _assigned(person: User) -> QuerySet[Assignment]:
    return assignments_handed_out_by(person)


def _drafts(person: User) -> QuerySet[Outgoing]:
    return Outgoing.objects.filter(drafter=person, state__in=EDITABLE_STATES).select_related("document")


def _steps(person: User) -> QuerySet[ApprovalStep]:
    return (
        ApprovalStep.objects.filter(user=person, status__in=OPEN_STEP, outgoing__state__in=EDITABLE_STATES)
        .exclude(kind=StepKind.SIGN)
        .select_related("outgoing__document")
    )


def _signatures(person: User) -> QuerySet[Outgoing]:
    return Outgoing.objects.filter(signer=person, state__in=EDITABLE_STATES).select_related("document")


def _tasks(person: User) -> QuerySet[Task]:
    return Task.objects.filter(created_by=person, status=TaskStatus.OPEN)


def _dossiers(person: User) -> QuerySet[Dossier]:
    """The dossiers he keeps (Điều 31: all are handed over): open ones, and closed ones not yet submitted to
    the archive (once submitted, the archive holds them)."""
    return Dossier.objects.filter(creator=person, state__in=(DossierState.OPEN, DossierState.CLOSED))


def items_held(person: User) -> list[Item]:
    """Everything ``person`` still holds, in the order of the record (kind, then age)."""
    items = [
        Item(ItemKind.ASSIGNMENT, a.pk, _assignment_label(a), a.get_status_display()) for a in _assignments(person)
    ]
    items += [
        Item(ItemKind.ASSIGNED, a.pk, f"{_assignment_label(a)} — {a.assignee_label}"[:600], a.get_status_display())
        for a in _assigned(person).select_related("unit", "user")
    ]
    items += [Item(ItemKind.DRAFT, o.pk, o.document.subject, o.get_state_display()) for o in _drafts(person)]
    items += [
        Item(ItemKind.STEP, s.pk, f"{s.label}: {s.outgoing.document.subject}"[:600], s.get_status_display())
        for s in _steps(person)
    ]
    items += [Item(ItemKind.SIGNATURE, o.pk, o.document.subject, o.get_state_display()) for o in _signatures(person)]
    items += [Item(ItemKind.TASK, t.pk, t.title, t.get_status_display()) for t in _tasks(person)]
    items += [
        Item(ItemKind.DOSSIER, d.pk, f"{d.file_code} — {d.title}"[:600], d.get_state_display())
        for d in _dossiers(person)
    ]
    return items


# --- handing one item over ---------------------------------------------------------------------------


def _move_assignment(move: Move, pk: int, successor: User) -> None:
    a = task_part_reassign(actor=move.actor, assignment_id=pk, successor=successor, text=move.text(successor))
    move.audit(a, ItemKind.ASSIGNMENT, successor)


def _move_assigned(move: Move, pk: int, successor: User) -> None:
    text = move.text(successor)
    a = assignment_assigner_reassign(actor=move.actor, assignment_id=pk, successor=successor, text=text)
    move.audit(a, ItemKind.ASSIGNED, successor)


def _move_draft(move: Move, pk: int, successor: User) -> None:
    o = outgoing_drafter_reassign(actor=move.actor, outgoing_id=pk, successor=successor, text=move.text(successor))
    move.audit(o, ItemKind.DRAFT, successor)


def _move_step(move: Move, pk: int, successor: User) -> None:
    s = approval_step_reassign(actor=move.actor, step_id=pk, successor=successor, text=move.text(successor))
    move.audit(s, ItemKind.STEP, successor)


def _move_signature(move: Move, pk: int, successor: User) -> None:
    o = outgoing_signer_reassign(
        actor=move.actor, outgoing_id=pk, person=move.person, successor=successor, text=move.text(successor)
    )
    move.audit(o, ItemKind.SIGNATURE, successor)


def _move_task(move: Move, pk: int, successor: User) -> None:
    t = task_reassign(actor=move.actor, task_id=pk, person=move.person, successor=successor, text=move.text(successor))
    move.audit(t, ItemKind.TASK, successor)


def _move_dossier(move: Move, pk: int, successor: User) -> None:
    d = dossier_creator_reassign(actor=move.actor, dossier_id=pk, successor=successor)
    move.audit(d, ItemKind.DOSSIER, successor)


MOVERS: dict[str, Callable[[Move, int, User], Any]] = {
    ItemKind.ASSIGNMENT: _move_assignment,
    ItemKind.ASSIGNED: _move_assigned,
    ItemKind.DRAFT: _move_draft,
    ItemKind.STEP: _move_step,
    ItemKind.SIGNATURE: _move_signature,
    ItemKind.TASK: _move_task,
    ItemKind.DOSSIER: _move_dossier,
}
