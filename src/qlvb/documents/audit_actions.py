"""The audit actions of the documents app, declared into ``core.audit``."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from qlvb.core.audit import audit_actions_declare

DOCUMENTS_AUDIT_ACTIONS: dict[str, str] = {
    "documents.seen": gettext_noop("Ghi nhận người nhận đã xem văn bản"),
    "documents.task_seen": gettext_noop("Ghi nhận người được giao đã xem nhiệm vụ"),
    "documents.seen_mode_set": gettext_noop("Đổi cách ghi nhận “đã xem” của cơ quan"),
}

audit_actions_declare(DOCUMENTS_AUDIT_ACTIONS)
