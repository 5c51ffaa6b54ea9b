"""One precondition per action on a task itself (the actions on its parts are the assignments' own,
``qlvb.assignments.preconditions``). The service calls it; the page calls it to show or hide a button."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qlvb.core.errors import Conflict, PermissionDenied
from qlvb.core.permissions import has

from . import task_policies as policies
from .errors import ErrorCode
from .task_models import Task, TaskStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qlvb.directory.models import Unit, User


def check_create(actor: User | AnonymousUser | None) -> None:
    """Giving a task: a leader of the agency, or a department head (inside his department)."""
    if not has(actor, policies.TASK_CREATE) or getattr(actor, "unit", None) is None:
        raise PermissionDenied(
            "Chỉ lãnh đạo cơ quan hoặc lãnh đạo phòng mới giao việc được; tài khoản của anh/chị không giữ vai trò đó.",
            code=ErrorCode.NOT_A_LEADER,
        )


def check_give_to(actor: User, unit: Unit) -> None:
    """A department head gives tasks only inside his department; a leader anywhere in the agency."""
    if not has(actor, policies.TASK_CREATE, unit=unit):
        raise PermissionDenied(
            f"Lãnh đạo phòng chỉ giao việc trong phòng của mình ({unit.name} không thuộc phòng của anh/chị).",
            code=ErrorCode.NOT_A_LEADER,
        )


def check_subtask(actor: User, parent: Task) -> None:
    check_create(actor)
    if parent.status != TaskStatus.OPEN:
        raise Conflict("Công việc đã hoàn thành: không thêm việc con được.")


def check_add_file(actor: User, task: Task, *, kind: str) -> None:
    """Files of the task by whoever gave it; result files by anyone handling it."""
    from .task_selectors import handles_task

    if task.status != TaskStatus.OPEN:
        raise Conflict("Công việc đã hoàn thành: không thêm tệp được.")
    if kind == "attachment" and task.created_by_id != actor.pk:
        raise PermissionDenied("Chỉ người giao việc mới thêm tệp giao việc.")
    if kind == "result" and not handles_task(actor, task):
        raise PermissionDenied("Chỉ người được giao xử lý mới thêm tệp kết quả.")
