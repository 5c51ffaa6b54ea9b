"""Who may do what with tasks (giao việc); permission names declared in one place.

A leader of the agency gives tasks to any department or person of the agency and follows every task up
(accepts results, decides extensions, reminds); a department head gives tasks inside his department and
assigns his department's part to its officers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qlvb.core.permissions import declare, has

if TYPE_CHECKING:
    from qlvb.assignments.models import Assignment
    from qlvb.directory.models import User

APP = "direction"

TASK_CREATE = declare(
    APP, "direction.task_create", "Giao việc (công việc không theo văn bản)", {"leader", "dept_leader"}
)
TASK_ASSIGN = declare(APP, "direction.task_assign", "Phân công công việc trong phòng", {"dept_leader", "leader"})
TASK_FOLLOW = declare(
    APP, "direction.task_follow", "Theo dõi mọi công việc của cơ quan (chấp nhận, gia hạn, đôn đốc)", {"leader"}
)
TASK_SEE_ALL = declare(APP, "direction.task_see_all", "Xem mọi công việc của cơ quan", {"leader", "clerk"})


def can_assign_in(actor: User, assignment: Assignment) -> bool:
    return has(actor, TASK_ASSIGN, unit=assignment.unit)


def can_follow(actor: User, assignment: Assignment) -> bool:
    return has(actor, TASK_FOLLOW, unit=assignment.agency)
