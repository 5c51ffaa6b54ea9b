"""The audit actions of the dossiers flow, declared into ``core.audit``."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from qlvb.core.audit import audit_actions_declare

DOSSIER_AUDIT_ACTIONS: dict[str, str] = {
    "dossiers.plan_created": gettext_noop("Lập danh mục hồ sơ"),
    "dossiers.plan_copied": gettext_noop("Chép danh mục hồ sơ từ năm trước"),
    "dossiers.plan_approved": gettext_noop("Duyệt danh mục hồ sơ"),
    "dossiers.opened": gettext_noop("Mở hồ sơ"),
    "dossiers.closed": gettext_noop("Đóng hồ sơ"),
    "dossiers.reopened": gettext_noop("Mở lại hồ sơ đã đóng"),
}

audit_actions_declare(DOSSIER_AUDIT_ACTIONS)
