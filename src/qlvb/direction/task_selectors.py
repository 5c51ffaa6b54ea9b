"""Reads of tasks, filtered inside the SQL query to what the actor may see: the tasks of his agency he
gave, handles (himself or through a part given to his department) — or all of them for a leader or the
office (``direction.task_see_all``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Prefetch, Q, QuerySet

from qlvb.assignments.models import Assignment
from qlvb.core.errors import NotFound
from qlvb.core.permissions import has
from qlvb.documents.seen_models import SeenReceipt

from . import task_policies as policies
from .task_models import Task, TaskFile, TaskPart

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qlvb.directory.models import Unit, User
    from qlvb.files.models import StoredFile


def _agency(actor: User | AnonymousUser) -> Unit | None:
    unit = getattr(actor, "unit", None)
    return unit.agency if unit is not None else None


def _parts_where(condition: Q) -> Exists:
    """The task has a top part, or a part under one, matching ``condition`` (on Assignment)."""
    rows = Assignment.objects.filter(condition).filter(
        Q(task_part__task=OuterRef("pk")) | Q(parent__task_part__task=OuterRef("pk"))
    )
    return Exists(rows)


def _handled_by(actor: User) -> Q:
    return Q(_parts_where(Q(user_id=actor.pk)))


def _unit_of(actor: User) -> Q:
    return Q(_parts_where(Q(unit_id=actor.unit_id)))


def tasks_visible_to(actor: User | AnonymousUser) -> QuerySet[Task]:
    agency = _agency(actor)
    if not actor.is_authenticated or agency is None:
        return Task.objects.none()
    query = Task.objects.filter(agency=agency)
    if has(actor, policies.TASK_SEE_ALL, unit=agency):
        return query
    user = cast("User", actor)
    return query.filter(Q(created_by_id=user.pk) | _handled_by(user) | _unit_of(user))


@dataclass
class TaskFilter:
    box: str = "mine"  # mine | assigned | unit | all
    sort: str = ""  # "" (by status and deadline) | "unseen" ("Chưa xem trước")
    status: str = ""
    due_from: dt.date | None = None
    due_to: dt.date | None = None
    assigner: int | None = None


def tasks_list(actor: User, f: TaskFilter) -> QuerySet[Task]:
    query = tasks_visible_to(actor)
    if f.box == "mine":
        query = query.filter(_handled_by(actor))
    elif f.box == "assigned":
        query = query.filter(created_by_id=actor.pk)
    elif f.box == "unit":
        query = query.filter(_unit_of(actor))
    if f.status:
        query = query.filter(status=f.status)
    if f.due_from is not None:
        query = query.filter(due_date__gte=f.due_from)
    if f.due_to is not None:
        query = query.filter(due_date__lte=f.due_to)
    if f.assigner is not None:
        query = query.filter(created_by_id=f.assigner)
    leads = TaskPart.objects.filter(assignment__role="lead").select_related("assignment__unit", "assignment__user")
    # "đã xem": a task the actor handles and has not seen yet is marked, in the same statement
    unseen = ExpressionWrapper(
        _handled_by(actor) & ~Q(Exists(SeenReceipt.objects.filter(task_id=OuterRef("pk"), user_id=actor.pk))),
        output_field=BooleanField(),
    )
    order = ["status", "due_date", "-id"]
    return (
        query.select_related("created_by")
        .prefetch_related(Prefetch("parts", queryset=leads, to_attr="lead_parts"))
        .annotate(unseen=unseen)
        .order_by(*([F("unseen").desc()] if f.sort == "unseen" else []), *order)
    )


def task_get(actor: User | AnonymousUser, pk: int | str) -> Task:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    task = tasks_visible_to(actor).select_related("created_by", "parent", "source_document").filter(pk=pk).first()
    if task is None:
        raise NotFound()
    return task


def task_parts(task: Task) -> list[Assignment]:
    """The task's parts, each top row followed by the rows its department gave inside."""
    tops = list(
        Assignment.objects.filter(task_part__task=task)
        .select_related("unit", "user", "assigned_by")
        .prefetch_related("children__unit", "children__user", "extensions", "reminders", "updates__author")
        .order_by("id")
    )
    out = []
    for a in tops:
        out.append(a)
        out.extend(a.children.all())
    return out


def handles_task(actor: User, task: Task) -> bool:
    """The actor handles a part of the task: himself, or as the head of a department given a part."""
    if Assignment.objects.filter(Q(task_part__task=task) | Q(parent__task_part__task=task), user_id=actor.pk).exists():
        return True
    parts = TaskPart.objects.filter(task=task, assignment__user__isnull=True).select_related("assignment__unit")
    return any(policies.can_assign_in(actor, p.assignment) for p in parts)


def assignment_of_task(actor: User, pk: int) -> tuple[Task, Assignment]:
    """One part of a task the actor may see; else NotFound."""
    a = Assignment.objects.select_related("unit", "user", "parent").filter(pk=pk, document__isnull=True).first()
    if a is None:
        raise NotFound()
    top = a.parent if a.parent_id is not None else a
    part = TaskPart.objects.filter(assignment=top).first()
    if part is None:
        raise NotFound()
    return task_get(actor, part.task_id), a


def may_open_task_file(actor: User, stored_file: StoredFile) -> bool:
    """Whoever may see a task may open its files (and its result files)."""
    return TaskFile.objects.filter(stored_file=stored_file, task__in=tasks_visible_to(actor)).exists()
