"""One precondition per action of the incoming flow: who may take it and in which state.

Each ``check_<action>`` raises the domain error the service would raise (``PermissionDenied`` for the
actor, ``Conflict`` for the state). The service calls it on the row it has locked; the pages call it
through :func:`allowed` (or :func:`document_actions` / :func:`assignment_actions`) to show or hide the
button — so a button is shown exactly when the service would accept the action. Input checks (a reason,
a due date, the chosen people) stay in the services.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from qlvb.assignments.models import AssignmentStatus
from qlvb.assignments.preconditions import (
    ASSIGNMENT_ACTIONS,
    allowed,
    assignment_actions,
    check_accept,
    check_assign,
    check_extend,
    check_handle,
    check_remind,
    check_return,
    is_handler,
)
from qlvb.core.errors import Conflict, PermissionDenied
from qlvb.core.permissions import require
from qlvb.directory.delegation import delegation_in_force
from qlvb.directory.models import Delegation, DelegationScope
from qlvb.documents.models import Document, DocumentStatus

from . import conf, policies

if TYPE_CHECKING:
    from qlvb.directory.models import User

# Statuses in which the clerk may still refuse the document: before it reaches a leader.
REJECTABLE = (DocumentStatus.RECEIVED, DocumentStatus.REGISTERED)
# Statuses in which a leader gives a direction (or handles the document himself).
DIRECTABLE = (DocumentStatus.REGISTERED, DocumentStatus.SUBMITTED, DocumentStatus.RETURNED)
# Registered and waiting for the clerk: submitted to a leader or routed to a handler.
SUBMITTABLE = (DocumentStatus.REGISTERED, DocumentStatus.RETURNED)
# Refused or recalled: nothing more is changed on it.
CLOSED = (DocumentStatus.REJECTED, DocumentStatus.WITHDRAWN)
OPEN = (AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS)

__all__ = [
    "ASSIGNMENT_ACTIONS",
    "DOCUMENT_ACTIONS",
    "allowed",
    "assignment_actions",
    "check_accept",
    "check_assign",
    "check_extend",
    "check_handle",
    "check_remind",
    "check_return",
    "document_actions",
    "is_handler",
]


# --- Document actions --------------------------------------------------------------------------------------------


def check_register(actor: User | None, document: Document) -> None:
    require(actor, policies.RECEIVE, unit=document.agency)
    if document.status != DocumentStatus.RECEIVED:
        raise Conflict("Văn bản đã được vào sổ.")


def check_reject(actor: User | None, document: Document) -> None:
    require(actor, policies.REJECT, unit=document.agency)
    if document.status not in REJECTABLE:
        raise Conflict("Chỉ từ chối được văn bản chưa trình lãnh đạo.")


def check_correct(actor: User | None, document: Document) -> None:
    require(actor, policies.RECEIVE, unit=document.agency)
    if document.status in CLOSED:
        raise Conflict("Văn bản đã từ chối tiếp nhận hoặc đã thu hồi: không sửa được thông tin.")


def check_files(actor: User | None, document: Document) -> None:
    require(actor, policies.RECEIVE, unit=document.agency)
    if document.status in CLOSED:
        raise Conflict("Văn bản đã từ chối tiếp nhận hoặc đã thu hồi: không thêm, thay tệp được.")


def check_submit(actor: User | None, document: Document) -> None:
    require(actor, policies.SUBMIT, unit=document.agency)
    if document.status not in SUBMITTABLE:
        raise Conflict("Chỉ trình được văn bản đã vào sổ hoặc bị trả lại.")


def check_route(actor: User | None, document: Document) -> None:
    require(actor, policies.ROUTE, unit=document.agency)
    if not conf.direct_routing_enabled():
        raise PermissionDenied("Cơ quan không cho phép văn thư chuyển thẳng văn bản đến đơn vị xử lý.")
    if document.status not in SUBMITTABLE:
        raise Conflict("Chỉ chuyển được văn bản đã vào sổ.")


def direct_delegation(actor: User | None, document: Document) -> Delegation | None:
    """The delegation (ủy quyền, scope "chỉ đạo") under which ``actor`` acts on ``document`` for the leader
    it was submitted to; None when he acts in his own right (or may not act at all)."""
    if actor is None or document.submitted_to_id in (None, actor.pk):
        return None
    return delegation_in_force(delegate=actor, grantor_id=document.submitted_to_id, scope=DelegationScope.DIRECT)


_DIRECT_MEMO = "_qlvb_direct_delegation"  # (actor id, delegation) while document_actions runs


def _require_direct(actor: User | None, document: Document) -> None:
    memo = document.__dict__.get(_DIRECT_MEMO)
    if memo is not None and actor is not None and memo[0] == actor.pk:
        delegation = memo[1]
    else:
        delegation = direct_delegation(actor, document)
    if delegation is None:
        require(actor, policies.DIRECT, unit=document.agency)


def check_direct(actor: User | None, document: Document) -> None:
    """Ý kiến chỉ đạo, and the leader handling it himself — or whoever the leader it was submitted to
    delegated that to, while the delegation is in force."""
    _require_direct(actor, document)
    if document.status not in DIRECTABLE:
        raise Conflict("Văn bản này không ở trạng thái chờ cho ý kiến chỉ đạo.")


def check_return_to_clerk(actor: User | None, document: Document) -> None:
    _require_direct(actor, document)
    if document.status != DocumentStatus.SUBMITTED:
        raise Conflict("Chỉ trả lại được văn bản đang chờ cho ý kiến.")


DOCUMENT_ACTIONS: dict[str, Callable[[User, Document], None]] = {
    "register": check_register,
    "reject": check_reject,
    "correct": check_correct,
    "files": check_files,
    "submit": check_submit,
    "route": check_route,
    "direct": check_direct,
    "handle_self": check_direct,
    "return": check_return_to_clerk,
}


# --- Assignment actions: the same for a task's parts, kept in qlvb.assignments.preconditions ------------------------


def document_actions(actor: User, document: Document) -> set[str]:
    """The document-level actions ``actor`` may take now (the buttons of the document page). The
    delegation the three leader's actions look for is read once for them (it was a query each), and
    forgotten when the answer is made."""
    document.__dict__[_DIRECT_MEMO] = (actor.pk, direct_delegation(actor, document))
    try:
        return {name for name, check in DOCUMENT_ACTIONS.items() if allowed(check, actor, document)}
    finally:
        document.__dict__.pop(_DIRECT_MEMO, None)
