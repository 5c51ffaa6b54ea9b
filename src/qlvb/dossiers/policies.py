"""Who may do what with the dossier list (danh mục hồ sơ) and the dossiers (hồ sơ). Role permissions are
declared here; the object-level rules (the creator of a dossier) are the small functions below."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qlvb.core.permissions import declare, has

if TYPE_CHECKING:
    from qlvb.directory.models import User

    from .models import Dossier

APP = "dossiers"

PLAN_MANAGE = declare(APP, "dossiers.plan_manage", "Lập, sửa danh mục hồ sơ", {"archivist", "clerk"})
PLAN_APPROVE = declare(APP, "dossiers.plan_approve", "Duyệt danh mục hồ sơ", {"leader"})
PLAN_VIEW = declare(
    APP,
    "dossiers.plan_view",
    "Xem danh mục hồ sơ",
    {"leader", "dept_leader", "clerk", "officer", "archivist"},
)
DOSSIER_OPEN = declare(
    APP, "dossiers.open", "Lập hồ sơ công việc", {"leader", "dept_leader", "clerk", "officer", "archivist"}
)
DOSSIER_MANAGE_ANY = declare(APP, "dossiers.manage_any", "Quản lý mọi hồ sơ của cơ quan", {"archivist"})
DOSSIER_VIEW_ALL = declare(APP, "dossiers.view_all", "Xem mọi hồ sơ của cơ quan", {"leader", "archivist"})
DOSSIER_REOPEN = declare(APP, "dossiers.reopen", "Mở lại hồ sơ đã đóng", {"archivist"})

# Roles held in the agency that see every dossier of the agency (the head and the archivist).
AGENCY_WIDE_ROLES = ("leader", "archivist")


def may_edit(actor: User, dossier: Dossier) -> bool:
    """The dossier's creator, or the agency's archivist."""
    return dossier.creator_id == actor.pk or has(actor, DOSSIER_MANAGE_ANY, unit=dossier.agency)


# --- The agency archive (nộp lưu, retention, disposal: archive.py, disposal.py) ---------------------------
TRANSFER_SUBMIT_UNIT = declare(
    APP, "dossiers.transfer_submit_unit", "Nộp lưu hồ sơ của người trong đơn vị", {"dept_leader", "leader"}
)
ARCHIVE_RECEIVE = declare(APP, "dossiers.archive_receive", "Kiểm tra, nhận hồ sơ nộp lưu", {"archivist"})
DISPOSAL_MANAGE = declare(
    APP, "dossiers.disposal_manage", "Lập đề nghị hủy, ghi kết quả thẩm định, thực hiện hủy tài liệu", {"archivist"}
)
DISPOSAL_APPROVE = declare(APP, "dossiers.disposal_approve", "Duyệt hủy tài liệu hết giá trị", {"leader"})
KEEP_APPROVE = declare(
    APP, "dossiers.keep_approve", "Đồng ý cho đơn vị giữ lại hồ sơ đến hạn nộp lưu (tối đa 2 năm)", {"leader"}
)


def may_submit(actor: User, dossier: Dossier) -> bool:
    """The dossier's creator, or the head of the creator's unit (or of the agency)."""
    if dossier.creator_id == actor.pk:
        return True
    unit = dossier.creator.unit
    return unit is not None and has(actor, TRANSFER_SUBMIT_UNIT, unit=unit)


# export13: importing a dossier package from another deployment, the list in XLSX.
PACKAGE_IMPORT = declare(APP, "dossiers.package_import", "Nhập gói hồ sơ từ hệ thống khác", {"archivist", "admin"})
