"""One precondition per action on a dossier or a dossier list: who may act, and in which state.

Each ``<entity>_<action>_check(actor, obj)`` raises the domain error that refuses the action. The service
calls it under the row lock; the page and the API call :func:`dossier_actions` / :func:`plan_actions` to
show or hide the buttons — one rule, so the button and the service never disagree. The input (a title,
the documents chosen) stays with the service."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from qlvb.core.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from qlvb.core.permissions import require
from qlvb.directory.models import User

from . import policies
from .errors import ErrorCode
from .models import Dossier, DossierPlan, DossierState

T = TypeVar("T")


def plan_change_check(actor: User, plan: DossierPlan) -> None:
    """Add headings and rows: the archivist or the clerk of the agency, while the list is a draft."""
    require(actor, policies.PLAN_MANAGE, unit=plan.agency)
    if plan.is_frozen:
        raise Conflict(
            "Danh mục hồ sơ đã duyệt thì không sửa được; muốn thay đổi, hãy lập phiên bản mới.",
            code=ErrorCode.PLAN_FROZEN,
        )


def plan_approve_check(actor: User, plan: DossierPlan) -> None:
    """Approve: the head of the agency, a draft with at least one dossier row."""
    require(actor, policies.PLAN_APPROVE, unit=plan.agency)
    if plan.is_frozen:
        raise Conflict("Danh mục hồ sơ này đã được duyệt.", code=ErrorCode.PLAN_FROZEN)
    if not plan.rows.exists():
        raise ValidationFailed("Danh mục hồ sơ chưa có hồ sơ nào, không duyệt được.", code=ErrorCode.PLAN_EMPTY)


def dossier_edit_check(actor: User, dossier: Dossier) -> None:
    """Add or remove documents, fix the metadata: the creator or the archivist, while the dossier is open."""
    if not policies.may_edit(actor, dossier):
        raise PermissionDenied("Chỉ người lập hồ sơ hoặc lưu trữ viên của cơ quan mới sửa được hồ sơ này.")
    if dossier.is_frozen:
        raise Conflict(
            f"Hồ sơ đang ở trạng thái “{dossier.get_state_display()}”, không sửa được nữa "
            "(hồ sơ đã đóng chỉ lưu trữ viên mở lại được).",
            code=ErrorCode.DOSSIER_FROZEN,
        )


def dossier_close_check(actor: User, dossier: Dossier) -> None:
    """Close: as editing, and the dossier holds at least one document."""
    dossier_edit_check(actor, dossier)
    if not dossier.items.exists():
        raise ValidationFailed("Hồ sơ chưa có văn bản, tài liệu nào nên không đóng được.", code=ErrorCode.DOSSIER_EMPTY)


def dossier_reopen_check(actor: User, dossier: Dossier) -> None:
    """Reopen: the agency's archivist, a closed dossier not yet submitted to the archive."""
    require(actor, policies.DOSSIER_REOPEN, unit=dossier.agency)
    if dossier.state != DossierState.CLOSED:
        raise Conflict("Chỉ mở lại được hồ sơ đã đóng, chưa nộp lưu.", code=ErrorCode.NOT_CLOSED)


def _allowed(checks: dict[str, Callable[[User, T], None]], actor: User, obj: T) -> set[str]:
    allowed = set()
    for name, check in checks.items():
        try:
            check(actor, obj)
        except DomainError:
            continue
        allowed.add(name)
    return allowed


DOSSIER_CHECKS: dict[str, Callable[[User, Dossier], None]] = {
    "edit": dossier_edit_check,
    "close": dossier_close_check,
    "reopen": dossier_reopen_check,
}
PLAN_CHECKS: dict[str, Callable[[User, DossierPlan], None]] = {
    "change": plan_change_check,
    "approve": plan_approve_check,
}


def dossier_actions(actor: User, dossier: Dossier) -> set[str]:
    """The actions whose precondition holds now (the buttons the page shows)."""
    return _allowed(DOSSIER_CHECKS, actor, dossier)


def plan_actions(actor: User, plan: DossierPlan) -> set[str]:
    return _allowed(PLAN_CHECKS, actor, plan)
