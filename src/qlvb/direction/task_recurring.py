"""Recurring tasks (weekly, monthly, quarterly reports): the daily beat gives the next occurrence once the
current one's due date has come, with the same parts and a due date one period later."""

from __future__ import annotations

import calendar
import datetime as dt

from django.db import transaction
from django.utils import timezone

from qlvb.assignments.assigning import Target
from qlvb.assignments.models import Assignment

from .task_models import Recurrence, Task
from .task_services import TaskInput, _make


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_due(due: dt.date, recurrence: str) -> dt.date:
    if recurrence == Recurrence.WEEKLY:
        return due + dt.timedelta(days=7)
    if recurrence == Recurrence.MONTHLY:
        return _add_months(due, 1)
    if recurrence == Recurrence.QUARTERLY:
        return _add_months(due, 3)
    raise ValueError(recurrence)


def _targets_of(task: Task) -> list[Target]:
    tops = Assignment.objects.filter(task_part__task=task).select_related("unit", "user").order_by("id")
    return [Target(role=a.role, unit=None if a.user_id else a.unit, user=a.user) for a in tops]


@transaction.atomic
def tasks_recur(*, today: dt.date | None = None) -> int:
    """Give the next occurrence of every recurring task whose due date has come (once: ``next_made``).
    Returns how many were given."""
    today = today or timezone.localdate()
    due = Task.objects.select_for_update(of=("self",)).filter(
        recurrence__in=[Recurrence.WEEKLY, Recurrence.MONTHLY, Recurrence.QUARTERLY],
        next_made=False,
        due_date__lte=today,
    )
    made = 0
    for task in due.select_related("created_by", "agency"):
        new_due = next_due(task.due_date, task.recurrence)
        while new_due < today:  # the beat was down for a while: the next occurrence still lies ahead
            new_due = next_due(new_due, task.recurrence)
        data = TaskInput(
            title=task.title,
            content=task.content,
            due_date=new_due,
            priority=task.priority,
            recurrence=task.recurrence,
            targets=_targets_of(task),
        )
        follow = _make(
            actor=task.created_by, data=data, agency=task.agency, parent=None, origin=task.origin, source=None
        )
        follow.series = task.series or task
        follow.save(update_fields=["series"])
        task.next_made = True
        task.save(update_fields=["next_made"])
        made += 1
    return made
