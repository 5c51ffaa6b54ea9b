"""Passing tasks to a successor (``operations.handover``): the task the person gave (he follows it, decides
extensions, accepts results) and the handling of a part given to him. Each writes the task's history;
the caller — who holds the right to hand the work over — writes its audit entry and record."""

from __future__ import annotations

from django.db import transaction

from qlvb.assignments.models import Assignment
from qlvb.assignments.reassign import assignment_reassign, assignments_assigner_reassign
from qlvb.core.errors import ValidationFailed
from qlvb.directory.models import User

from .task_models import Task
from .task_workflow import task_event


@transaction.atomic
def task_reassign(*, actor: User, task_id: int, person: User, successor: User, text: str) -> Task:
    """``successor`` becomes the one who gave the task, and the assigner of every open part ``person``
    handed out."""
    t = Task.objects.select_for_update().get(pk=task_id)
    unit = successor.unit
    if not successor.is_active or unit is None or (unit.agency_id or unit.pk) != t.agency_id:
        raise ValidationFailed(f"Người nhận {successor.full_name} không thuộc cơ quan giao nhiệm vụ.")
    t.created_by = successor
    t.save(update_fields=["created_by"])
    assignments_assigner_reassign(
        actor=actor,
        assignments=Assignment.objects.filter(task_part__task=t),
        person=person,
        successor=successor,
        text=text,
    )
    task_event(t, actor=actor, action="handed_over", text=f"{text} (người giao việc)")
    return t


def task_part_reassign(*, actor: User, assignment_id: int, successor: User, text: str) -> Assignment:
    """The handler of a task's part (an assignment no document started): moved, in the task's history."""
    with transaction.atomic():
        a = assignment_reassign(actor=actor, assignment_id=assignment_id, successor=successor, text=text)
        part = getattr(a, "task_part", None)
        if part is not None:
            task_event(part.task, actor=actor, action="handed_over", text=text, data={"assignment": a.pk})
    return a
