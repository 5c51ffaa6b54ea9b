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
