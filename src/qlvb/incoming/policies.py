"""Who may do what with incoming documents. Role permissions are declared here; the object-level
rules (the assignee of an assignment, whoever assigned it) are the small functions below."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qlvb.core.permissions import declare, has

if TYPE_CHECKING:
    from qlvb.assignments.models import Assignment
    from qlvb.directory.models import User

APP = "incoming"

RECEIVE = declare(APP, "incoming.receive", "Tiếp nhận, vào sổ văn bản đến", {"clerk"})
SUBMIT = declare(APP, "incoming.submit", "Trình văn bản đến cho lãnh đạo", {"clerk"})
ROUTE = declare(APP, "incoming.route", "Chuyển văn bản đến trực tiếp cho đơn vị xử lý", {"clerk"})
DIRECT = declare(APP, "incoming.direct", "Cho ý kiến chỉ đạo văn bản đến", {"leader"})
ASSIGN = declare(APP, "incoming.assign", "Phân công xử lý trong phòng", {"dept_leader", "leader"})
REMIND = declare(APP, "incoming.remind", "Đôn đốc xử lý văn bản đến", {"leader", "clerk"})
REJECT = declare(APP, "incoming.reject", "Từ chối tiếp nhận văn bản đến (nêu lý do)", {"clerk"})
VERIFY = declare(APP, "incoming.verify", "Kiểm tra lại chữ ký số của văn bản đến", {"clerk", "leader"})
REPORT = declare(APP, "incoming.report", "In sổ, báo cáo văn bản đến", {"leader", "clerk"})

# Roles held in the agency that see every incoming document of the agency.
AGENCY_WIDE_ROLES = ("clerk", "leader")


def is_assignee(actor: User, assignment: Assignment) -> bool:
    return assignment.user_id is not None and assignment.user_id == actor.pk


def can_assign_in(actor: User, assignment: Assignment) -> bool:
    """Department leader of the assignment's department (or a leader of the agency)."""
    return has(actor, ASSIGN, unit=assignment.unit)


def can_decide_extension(actor: User, assignment: Assignment) -> bool:
    return assignment.assigned_by_id == actor.pk or has(actor, DIRECT, unit=assignment.agency)


def can_accept(actor: User, assignment: Assignment) -> bool:
    """Accept or return the lead's reported completion: whoever assigned it, or a leader of the agency."""
    return assignment.assigned_by_id == actor.pk or has(actor, DIRECT, unit=assignment.agency)


def can_remind(actor: User, assignment: Assignment) -> bool:
    return assignment.assigned_by_id == actor.pk or has(actor, REMIND, unit=assignment.agency)
