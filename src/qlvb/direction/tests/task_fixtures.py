"""Helpers of the task tests: the UBND and its departments, a task given by the Chủ tịch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from qlvb.assignments.assigning import Target
from qlvb.direction.task_models import Task
from qlvb.direction.task_services import TaskInput, task_create
from qlvb.directory.models import Unit, User


def ubnd() -> Unit:
    return Unit.objects.get(short_name="UBND", kind="agency")


def dept(short: str) -> Unit:
    return Unit.objects.get(short_name=short, agency=ubnd())


def in_days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def give(
    actor: User,
    *,
    lead: Unit | User,
    supports: Sequence[Unit | User] = (),
    infos: Sequence[User] = (),
    due: dt.date | None = None,
    **more: Any,
) -> Task:
    def target(role: str, who: Unit | User) -> Target:
        return Target(role=role, user=who) if isinstance(who, User) else Target(role=role, unit=who)

    parent = more.pop("parent", None)
    targets = [target("lead", lead), *(target("support", s) for s in supports), *(target("info", i) for i in infos)]
    data = TaskInput(
        title=more.pop("title", "Báo cáo kết quả phong trào toàn dân đoàn kết xây dựng đời sống văn hóa"),
        due_date=due or in_days(7),
        targets=targets,
        **more,
    )
    return task_create(actor=actor, data=data, parent=parent)
