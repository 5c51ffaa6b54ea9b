"""Seen receipts ("đã xem") of tasks: an assignee's first sight of a task, taken on opening or by the
"Đánh dấu đã xem" button as the agency chose (``documents.seen``, which keeps the rows). A recipient is
whoever handles a part of the task (``handles_task``: himself, or as the head of a department given a part)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from qlvb.documents import seen
from qlvb.documents.seen_models import SeenHow, SeenMode, SeenReceipt

from .task_selectors import handles_task, tasks_visible_to

if TYPE_CHECKING:
    from qlvb.directory.models import User

    from .task_models import Task


def may_mark_task_seen(actor: User, task: Task) -> bool:
    """The precondition of "Đánh dấu đã xem" on a task (the button and the service)."""
    return handles_task(actor, task) and not SeenReceipt.objects.filter(task_id=task.pk, user=actor).exists()


def task_seen_mark(*, actor: User, task: Task, how: str = SeenHow.EXPLICIT) -> SeenReceipt:
    """Record that ``actor`` saw ``task`` (once; a second call answers the first receipt). The task must be
    one the actor may see (else 404, by ``task_get``) and one he handles (else 403)."""
    existing = SeenReceipt.objects.filter(task_id=task.pk, user=actor).first()
    if existing is not None:
        return existing
    if not handles_task(actor, task):
        raise seen.NotRecipient()
    return seen.task_seen_record(actor=actor, task_id=task.pk, how=how)


def task_seen_on_open(*, actor: User, task: Task) -> SeenReceipt | None:
    """Called by the task's page: the receipt when the agency takes them on opening and the actor handles it."""
    if seen.seen_mode(task.agency_id) != SeenMode.OPENING:
        return None
    if SeenReceipt.objects.filter(task_id=task.pk, user=actor).exists() or not handles_task(actor, task):
        return None
    return seen.task_seen_record(actor=actor, task_id=task.pk, how=SeenHow.OPENED)


def task_receipts(actor: User, task: Task) -> QuerySet[SeenReceipt]:
    """The task's receipts, for a reader who may see the task (the rule inside the one statement)."""
    return seen.task_receipts(tasks_visible_to(actor).filter(pk=task.pk).values("pk"))
