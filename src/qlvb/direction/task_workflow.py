"""What the shared handling of assignments (``qlvb.assignments``) asks of a task's parts: the history is the
task's events, the lead's accepted part finishes the task, the agency's leaders follow every task up
(registered in ``apps.py`` under the kind ``"task"``: rows without a document)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone

from qlvb.assignments.handling import handlers_of
from qlvb.assignments.models import Assignment, AssignmentRole, AssignmentStatus
from qlvb.assignments.notify import notify_after_commit
from qlvb.assignments.preconditions import OPEN
from qlvb.core.locks import row_locked

from . import task_policies as policies
from .task_dispatch import task_event_queue
from .task_models import Task, TaskEvent, TaskPart, TaskStatus

if TYPE_CHECKING:
    from qlvb.directory.models import User


def top_of(assignment: Assignment) -> Assignment:
    current = assignment
    while current.parent_id is not None:
        assert current.parent is not None
        current = current.parent
    return current


def task_of(assignment: Assignment) -> Task | None:
    part = TaskPart.objects.filter(assignment_id=top_of(assignment).pk).select_related("task").first()
    return part.task if part is not None else None


def task_event(
    task: Task, *, actor: User | None, action: str, text: str = "", data: dict[str, Any] | None = None
) -> None:
    event = TaskEvent.objects.create(
        task=task, actor=actor, action=action, text=text, data=data or {}, created_at=timezone.now()
    )
    task_event_queue(event)


def task_finish(task: Task, *, actor: User, result: str) -> None:
    """The lead's part is done and accepted: the task is done; parts still open are closed and told."""
    task = row_locked(task)
    if task.status == TaskStatus.DONE:
        return
    now = timezone.now()
    task.status = TaskStatus.DONE
    task.completed_at = now
    task.save(update_fields=["status", "completed_at"])
    task_event(task, actor=actor, action="completed", text=result)
    tops = [p.assignment_id for p in task.parts.all()]
    rows = list(Assignment.objects.filter(pk__in=tops) | Assignment.objects.filter(parent_id__in=tops))
    left_open = [a for a in rows if a.status in OPEN]
    if left_open:
        Assignment.objects.filter(pk__in=[a.pk for a in left_open]).update(
            status=AssignmentStatus.CLOSED, completed_at=now
        )
        task_event(task, actor=actor, action="assignments_closed", data={"assignments": [a.pk for a in left_open]})
    for a in rows:
        if a.role == AssignmentRole.LEAD:
            continue
        notify_after_commit(
            users=handlers_of(a),
            kind="completed",
            exclude=actor,
            assignment_id=a.pk,
            text=f"Công việc đã hoàn thành: {task.title[:200]}",
        )


class TaskWorkflow:
    def record(self, assignment: Assignment, *, actor: User, action: str, text: str, data: dict[str, Any]) -> None:
        task = task_of(assignment)
        if task is not None:
            task_event(task, actor=actor, action=action, text=text, data=data)

    def finished(self, assignment: Assignment) -> bool:
        task = task_of(assignment)
        return task is not None and task.status == TaskStatus.DONE

    def needs_acceptance(self, top: Assignment, *, actor: User) -> bool:
        """Whoever gave the task accepts its result, unless he completes it himself or it was his own."""
        return top.assigned_by_id not in (top.user_id, actor.pk)

    def top_done(self, assignment: Assignment, *, actor: User, result: str) -> None:
        task = task_of(assignment)
        if task is not None:
            task_finish(task, actor=actor, result=result)

    def can_assign_in(self, actor: User, assignment: Assignment) -> bool:
        return policies.can_assign_in(actor, assignment)

    def can_follow(self, actor: User, assignment: Assignment) -> bool:
        return policies.can_follow(actor, assignment)

    def can_remind(self, actor: User, assignment: Assignment) -> bool:
        return policies.can_follow(actor, assignment)
