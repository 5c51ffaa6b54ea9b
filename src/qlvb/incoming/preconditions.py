"""One precondition per action of the incoming flow: who may take it and in which state.

Each ``check_<action>`` raises the domain error the service would raise (``PermissionDenied`` for the
actor, ``Conflict`` for the state). The service calls it on the row it has locked; the pages call it
through :func:`allowed` (or :func:`document_actions` / :func:`assignment_actions`) to show or hide the
button — so a button is shown exactly when the service would accept the action. Input checks (a reason,
a due date, the chosen people) stay in the services.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from qlvb.assignments.models import Assignment, AssignmentStatus
from qlvb.core.errors import Conflict, DomainError, PermissionDenied
from qlvb.core.permissions import require
from qlvb.documents.models import Document, DocumentStatus

from . import conf, policies

if TYPE_CHECKING:
    from qlvb.directory.models import User

T = TypeVar("T", Document, Assignment)

# Statuses in which the clerk may still refuse the document: before it reaches a leader.
REJECTABLE = (DocumentStatus.RECEIVED, DocumentStatus.REGISTERED)
# Statuses in which a leader gives a direction (or handles the document himself).
DIRECTABLE = (DocumentStatus.REGISTERED, DocumentStatus.SUBMITTED, DocumentStatus.RETURNED)
# Registered and waiting for the clerk: submitted to a leader or routed to a handler.
SUBMITTABLE = (DocumentStatus.REGISTERED, DocumentStatus.RETURNED)
# Refused or recalled: nothing more is changed on it.
CLOSED = (DocumentStatus.REJECTED, DocumentStatus.WITHDRAWN)
OPEN = (AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS)


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


def check_direct(actor: User | None, document: Document) -> None:
    """Ý kiến chỉ đạo, and the leader handling it himself."""
    require(actor, policies.DIRECT, unit=document.agency)
    if document.status not in DIRECTABLE:
        raise Conflict("Văn bản này không ở trạng thái chờ cho ý kiến chỉ đạo.")


def check_return_to_clerk(actor: User | None, document: Document) -> None:
    require(actor, policies.DIRECT, unit=document.agency)
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


# --- Assignment actions ------------------------------------------------------------------------------------------


def _open(assignment: Assignment, message: str = "Phần việc đã kết thúc.") -> None:
    document = assignment.document
    if assignment.status not in OPEN or (document is not None and document.status == DocumentStatus.COMPLETED):
        raise Conflict(message)


def is_handler(actor: User, assignment: Assignment) -> bool:
    """The person assigned, or the leader of the department a department's part was given to — not the
    one who gave the part (he follows it up: đôn đốc, gia hạn, chấp nhận), unless it is his own."""
    if policies.is_assignee(actor, assignment):
        return True
    if assignment.assigned_by_id == actor.pk:
        return False
    return assignment.user_id is None and policies.can_assign_in(actor, assignment)


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
    if policies.is_assignee(actor, assignment) or not policies.can_remind(actor, assignment):
        raise PermissionDenied("Bạn không có quyền đôn đốc phần việc này.")
    _open(assignment, "Phần việc đã kết thúc, không cần đôn đốc.")


def check_accept(actor: User, assignment: Assignment) -> None:
    """Accept, or send back, the lead's reported completion."""
    if not policies.can_accept(actor, assignment):
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


def allowed(check: Callable[[User, T], None], actor: User, target: T) -> bool:
    """Whether ``check`` lets ``actor`` act on ``target`` now (for showing or hiding a button)."""
    try:
        check(actor, target)
    except DomainError:
        return False
    return True


def document_actions(actor: User, document: Document) -> set[str]:
    """The document-level actions ``actor`` may take now (the buttons of the document page)."""
    return {name for name, check in DOCUMENT_ACTIONS.items() if allowed(check, actor, document)}


def assignment_actions(actor: User, assignment: Assignment) -> list[str]:
    """The actions ``actor`` may take on one assignment now, in the order of the page's buttons."""
    return [name for name, check in ASSIGNMENT_ACTIONS.items() if allowed(check, actor, assignment)]
