"""One precondition per action on an assignment, whatever started the work (a document or a task).

Each ``check_<action>`` raises the domain error the service would raise (``PermissionDenied`` for the
actor, ``Conflict`` for the state). The service calls it on the row it has locked; the pages call it
through :func:`allowed` / :func:`assignment_actions` to show or hide a button. What differs between a
document's parts and a task's parts (who leads a unit's part, who follows up beyond whoever assigned it,
whether the document or task is finished) is asked of the row's workflow (``workflows.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from qlvb.core.errors import Conflict, DomainError, PermissionDenied
from qlvb.directory.delegation import delegation_in_force, grantor_ids
from qlvb.directory.models import Delegation, DelegationScope

from .models import Assignment, AssignmentStatus
from .workflows import workflow_of

if TYPE_CHECKING:
    from qlvb.directory.models import User

OPEN = (AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS)


def is_assignee(actor: User, assignment: Assignment) -> bool:
    return assignment.user_id is not None and assignment.user_id == actor.pk


def follow_delegation(actor: User, assignment: Assignment) -> Delegation | None:
    """The delegation (ủy quyền, scope ``follow``) under which ``actor`` follows up ``assignment`` for
    whoever gave it; None when he gave it himself or nobody delegated it to him today."""
    if assignment.assigned_by_id in (None, actor.pk):
        return None
    if assignment.assigned_by_id not in _follow_grantors(actor):  # one query per actor, not per row
        return None
    return delegation_in_force(delegate=actor, grantor_id=assignment.assigned_by_id, scope=DelegationScope.FOLLOW)


def _follow_grantors(actor: User) -> frozenset[int]:
    """Whom ``actor`` follows up for today, read once per user object (a request's, a task's): a page
    asks it for every assignment row."""
    today = timezone.localdate()
    cached = getattr(actor, "_qlvb_follow_grantors", None)
    if cached is None or cached[0] != today:
        ids = frozenset(grantor_ids(actor, (DelegationScope.FOLLOW,))[DelegationScope.FOLLOW])
        cached = (today, ids)
        actor.__dict__["_qlvb_follow_grantors"] = cached
    return cached[1]


def can_follow(actor: User, assignment: Assignment) -> bool:
    """Accept or return the lead's result, decide an extension: whoever assigned it, whom the workflow
    names, or the delegate of whoever assigned it (scope ``follow``)."""
    return (
        assignment.assigned_by_id == actor.pk
        or workflow_of(assignment).can_follow(actor, assignment)
        or follow_delegation(actor, assignment) is not None
    )


def can_remind(actor: User, assignment: Assignment) -> bool:
    return (
        assignment.assigned_by_id == actor.pk
        or workflow_of(assignment).can_remind(actor, assignment)
        or follow_delegation(actor, assignment) is not None
    )


def follow_behalf(actor: User, assignment: Assignment, *, remind: bool = False) -> Delegation | None:
    """The delegation a follow-up act of ``actor`` is done under — None when the act is his by his own
    right (he gave the part, or the workflow names him), so the history names a grantor only when the
    act needed the delegation."""
    if assignment.assigned_by_id == actor.pk:
        return None
    workflow = workflow_of(assignment)
    own = workflow.can_remind(actor, assignment) if remind else workflow.can_follow(actor, assignment)
    return None if own else follow_delegation(actor, assignment)


def _open(assignment: Assignment, message: str = "Phần việc đã kết thúc.") -> None:
    if assignment.status not in OPEN or workflow_of(assignment).finished(assignment):
        raise Conflict(message)


def is_handler(actor: User, assignment: Assignment) -> bool:
    """The person assigned, or the leader of the unit a unit's part was given to — not the one who gave
    the part (he follows it up: đôn đốc, gia hạn, chấp nhận), unless it is his own."""
    if is_assignee(actor, assignment):
        return True
    if assignment.assigned_by_id == actor.pk:
        return False
    return assignment.user_id is None and workflow_of(assignment).can_assign_in(actor, assignment)


def check_assign(actor: User, assignment: Assignment) -> None:
    if assignment.user_id is not None or not is_handler(actor, assignment):
        raise PermissionDenied("Chỉ lãnh đạo phòng được giao mới phân công được.")
    _open(assignment, "Phần việc này đã kết thúc hoặc bị trả lại.")
    if assignment.children.exists():
        raise Conflict("Phần việc này đã được phân công.")


def check_handle(actor: User, assignment: Assignment) -> None:
    """Report progress or an opinion, or complete the part."""
    if not is_handler(actor, assignment):
        raise PermissionDenied()
    _open(assignment)


def check_extend(actor: User, assignment: Assignment) -> None:
    if not is_handler(actor, assignment):
        raise PermissionDenied("Chỉ người được giao mới đề nghị gia hạn được.")
    _open(assignment)


def check_return(actor: User, assignment: Assignment) -> None:
    """Return a part not started yet to whoever gave it."""
    if not is_handler(actor, assignment):
        raise PermissionDenied()
    _open(assignment, "Chỉ trả lại được phần việc chưa bắt đầu xử lý.")
    if assignment.status != AssignmentStatus.PENDING:
        raise Conflict("Chỉ trả lại được phần việc chưa bắt đầu xử lý.")


def check_remind(actor: User, assignment: Assignment) -> None:
    if is_assignee(actor, assignment) or not can_remind(actor, assignment):
        raise PermissionDenied("Bạn không có quyền đôn đốc phần việc này.")
    _open(assignment, "Phần việc đã kết thúc, không cần đôn đốc.")


def check_accept(actor: User, assignment: Assignment) -> None:
    """Accept, or send back, the lead's reported completion."""
    if not can_follow(actor, assignment):
        raise PermissionDenied("Chỉ người đã giao việc hoặc lãnh đạo cơ quan mới chấp nhận hay trả lại kết quả.")
    if assignment.status != AssignmentStatus.AWAITING:
        raise Conflict("Phần việc này không chờ chấp nhận kết quả.")


ASSIGNMENT_ACTIONS: dict[str, Callable[[User, Assignment], None]] = {
    "assign": check_assign,
    "report": check_handle,
    "complete": check_handle,
    "extend": check_extend,
    "return": check_return,
    "remind": check_remind,
    "accept": check_accept,
    "return_result": check_accept,
}


def allowed(check: Callable[[User, Any], None], actor: User, target: Any) -> bool:
    """Whether ``check`` lets ``actor`` act on ``target`` now (for showing or hiding a button)."""
    try:
        check(actor, target)
    except DomainError:
        return False
    return True


def assignment_actions(actor: User, assignment: Assignment) -> list[str]:
    """The actions ``actor`` may take on one assignment now, in the order of the page's buttons."""
    return [name for name, check in ASSIGNMENT_ACTIONS.items() if allowed(check, actor, assignment)]
