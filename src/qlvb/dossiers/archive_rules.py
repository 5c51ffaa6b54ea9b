"""The dates and the preconditions of the agency archive: one function per action, asked by the service
(under the row lock) and by the pages and the API for their buttons.

Dates (``../shared/docs/regulations.md`` §1.11):

* **Hạn nộp lưu** (NĐ 30/2020 Điều 30, Luật Lưu trữ Điều 11): 1 year after the work ends (the dossier's
  end date); a capital-construction dossier (hồ sơ xây dựng cơ bản) 3 months after it (the project's
  settlement, which the closing officer enters as the end date). The owner is reminded 30 days before.
* **Hết hạn bảo quản**: the retention is counted from the year the work ended (TT 10/2022): a 10-year
  dossier that ended in 2015 expires on 31/12/2025 and may be disposed of from 01/01/2026. "Vĩnh viễn"
  never expires."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable

from qlvb.core.errors import Conflict, PermissionDenied, ValidationFailed
from qlvb.core.permissions import has, require
from qlvb.directory.models import User

from . import policies
from .archive_models import Decision, DisposalProposal, DisposalState, TransferBatch, TransferItem, TransferState
from .errors import ErrorCode
from .models import Dossier, DossierState
from .preconditions import _allowed

REMIND_DAYS = 30


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months``, the day clipped to the month's end (31/01 + 1 month = 28/02 or 29/02)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def transfer_due(dossier: Dossier) -> dt.date | None:
    """Hạn nộp lưu: end date + 1 year, or + 3 months for capital construction; None while open."""
    if dossier.end_date is None:
        return None
    return add_months(dossier.end_date, 3 if dossier.capital_construction else 12)


def expiry_date(dossier: Dossier) -> dt.date | None:
    """The last day of the retention: 31/12 of (the year the work ended + retention); None if permanent or
    the dossier has no end date yet."""
    if dossier.retention_years is None or dossier.end_date is None:
        return None
    return dt.date(dossier.end_date.year + dossier.retention_years, 12, 31)


def _label(dossier: Dossier) -> str:
    return f"“{dossier.notation} — {dossier.title}”"


# --- Nộp lưu ----------------------------------------------------------------------------------------------------


def transfer_add_check(actor: User, dossier: Dossier) -> None:
    """A dossier may go into a batch: the owner (or the unit's head), the dossier closed, not waiting elsewhere."""
    if not policies.may_submit(actor, dossier):
        raise PermissionDenied(f"Chỉ người lập hồ sơ hoặc lãnh đạo đơn vị mới nộp lưu được hồ sơ {_label(dossier)}.")
    if dossier.state != DossierState.CLOSED:
        raise Conflict(
            f"Hồ sơ {_label(dossier)} đang ở trạng thái “{dossier.get_state_display()}”: chỉ nộp lưu được hồ sơ "
            "đã đóng (hồ sơ đang lập phải được đóng trước; hồ sơ đã nộp không nộp lại).",
            code=ErrorCode.NOT_TRANSFERABLE,
        )
    if TransferItem.objects.filter(dossier=dossier, decision=Decision.PENDING).exists():
        raise Conflict(f"Hồ sơ {_label(dossier)} đã nằm trong một đợt nộp lưu khác.", code=ErrorCode.NOT_TRANSFERABLE)


KEEP_MONTHS = 24  # NĐ 30/2020 Điều 31: kept at most 2 years from the transfer deadline


def keep_limit(dossier: Dossier) -> dt.date | None:
    """The last day a unit may keep the dossier: its transfer deadline + 2 years."""
    due = transfer_due(dossier)
    return add_months(due, KEEP_MONTHS) if due else None


def keep_check(actor: User, dossier: Dossier) -> None:
    """Keep a due dossier in the unit: the head of the agency approves; a closed dossier, not in a batch."""
    require(actor, policies.KEEP_APPROVE, unit=dossier.agency)
    if dossier.state != DossierState.CLOSED:
        raise Conflict(
            f"Hồ sơ {_label(dossier)} đang ở trạng thái “{dossier.get_state_display()}”: chỉ giữ lại được hồ sơ "
            "đã đóng, chưa nộp lưu.",
            code=ErrorCode.NOT_TRANSFERABLE,
        )
    if TransferItem.objects.filter(dossier=dossier, decision=Decision.PENDING).exists():
        raise Conflict(f"Hồ sơ {_label(dossier)} đang nằm trong một đợt nộp lưu.", code=ErrorCode.NOT_TRANSFERABLE)


def transfer_submit_check(actor: User, batch: TransferBatch) -> None:
    """Submit: whoever prepared the batch, while it is being prepared and holds a dossier."""
    if batch.created_by_id != actor.pk:
        raise PermissionDenied("Chỉ người lập đợt nộp lưu mới nộp được.")
    if batch.state != TransferState.DRAFT:
        raise Conflict("Đợt nộp lưu này đã được nộp.", code=ErrorCode.BATCH_STATE)
    if not batch.items.exists():
        raise ValidationFailed("Đợt nộp lưu chưa có hồ sơ nào.", code=ErrorCode.BATCH_STATE)


def transfer_decide_check(actor: User, item: TransferItem) -> None:
    """Accept or return one dossier: the agency's archivist, the batch submitted, the dossier not yet decided."""
    require(actor, policies.ARCHIVE_RECEIVE, unit=item.batch.agency)
    if item.batch.state != TransferState.SUBMITTED:
        raise Conflict("Đợt nộp lưu chưa được nộp hoặc đã kiểm tra xong.", code=ErrorCode.BATCH_STATE)
    if item.decision != Decision.PENDING:
        raise Conflict(
            f"Hồ sơ {_label(item.dossier)} đã được kiểm tra ({item.get_decision_display().lower()}).",
            code=ErrorCode.ALREADY_DECIDED,
        )


def dossier_terms_check(actor: User, dossier: Dossier) -> None:
    """Set the chế độ sử dụng and the capital-construction mark: the creator until the dossier is submitted,
    the archivist at any time before disposal."""
    if dossier.state == DossierState.DISPOSED:
        raise Conflict("Hồ sơ đã hủy.", code=ErrorCode.DOSSIER_FROZEN)
    if has(actor, policies.ARCHIVE_RECEIVE, unit=dossier.agency):
        return
    if dossier.creator_id != actor.pk:
        raise PermissionDenied("Chỉ người lập hồ sơ hoặc lưu trữ viên của cơ quan mới đặt được chế độ sử dụng.")
    if dossier.state in (DossierState.SUBMITTED, DossierState.ARCHIVED):
        raise Conflict(
            "Hồ sơ đã nộp lưu: chỉ lưu trữ viên thay đổi được chế độ sử dụng.", code=ErrorCode.DOSSIER_FROZEN
        )


# --- Hủy tài liệu ---------------------------------------------------------------------------------------------


def disposable_check(dossier: Dossier, today: dt.date) -> None:
    """The law's rule for every dossier of a disposal: never "Vĩnh viễn", only under the archive's management,
    only once its retention has run out."""
    if dossier.retention_years is None:
        raise Conflict(
            f"Hồ sơ {_label(dossier)} có thời hạn bảo quản Vĩnh viễn: không bao giờ được hủy.",
            code=ErrorCode.PERMANENT,
        )
    if dossier.state != DossierState.ARCHIVED:
        raise Conflict(
            f"Hồ sơ {_label(dossier)} đang ở trạng thái “{dossier.get_state_display()}”: chỉ hủy được hồ sơ do "
            "Lưu trữ cơ quan quản lý.",
            code=ErrorCode.NOT_ARCHIVED,
        )
    expiry = expiry_date(dossier)
    if expiry is None or expiry >= today:
        raise Conflict(
            f"Hồ sơ {_label(dossier)} chưa hết thời hạn bảo quản ({dossier.maintenance}, hết hạn ngày "
            f"{expiry:%d/%m/%Y}): chưa được hủy."
            if expiry
            else f"Hồ sơ {_label(dossier)} chưa có thời gian kết thúc.",
            code=ErrorCode.NOT_EXPIRED,
        )


def _disposal_state(proposal: DisposalProposal, *states: str) -> None:
    if proposal.state not in states:
        raise Conflict(
            f"Đề nghị hủy đang ở trạng thái “{proposal.get_state_display()}”, không làm được việc này.",
            code=ErrorCode.DISPOSAL_STATE,
        )


def disposal_appraise_check(actor: User, proposal: DisposalProposal) -> None:
    """Record the council's appraisal: the archivist (the council's secretary), on a new proposal."""
    require(actor, policies.DISPOSAL_MANAGE, unit=proposal.agency)
    _disposal_state(proposal, DisposalState.DRAFT)


def disposal_approve_check(actor: User, proposal: DisposalProposal) -> None:
    """Approve: the head of the agency, after the council agreed."""
    require(actor, policies.DISPOSAL_APPROVE, unit=proposal.agency)
    _disposal_state(proposal, DisposalState.APPRAISED)


def disposal_execute_check(actor: User, proposal: DisposalProposal) -> None:
    """Execute: the archivist, once the head approved."""
    require(actor, policies.DISPOSAL_MANAGE, unit=proposal.agency)
    _disposal_state(proposal, DisposalState.APPROVED)


DISPOSAL_CHECKS: dict[str, Callable[[User, DisposalProposal], None]] = {
    "appraise": disposal_appraise_check,
    "approve": disposal_approve_check,
    "execute": disposal_execute_check,
}


def disposal_actions(actor: User, proposal: DisposalProposal) -> set[str]:
    return _allowed(DISPOSAL_CHECKS, actor, proposal)


def allowed(check: Callable[[User, Dossier], None], actor: User, dossier: Dossier) -> bool:
    """Whether ``check`` lets ``actor`` act on ``dossier`` (for a page's button)."""
    return bool(_allowed({"x": check}, actor, dossier))


def transfer_actions(actor: User, batch: TransferBatch) -> set[str]:
    """``submit`` while prepared; ``decide`` for the archivist while submitted (any pending item)."""
    found = _allowed({"submit": transfer_submit_check}, actor, batch)
    pending = next((i for i in batch.items.all() if i.decision == Decision.PENDING), None)
    if pending is not None and _allowed({"decide": transfer_decide_check}, actor, pending):
        found.add("decide")
    return found
