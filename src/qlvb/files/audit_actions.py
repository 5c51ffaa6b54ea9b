"""The audit actions of the file store, declared into ``core.audit`` (``audit.record`` refuses
undeclared actions). Labels are marked for translation here."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from qlvb.core.audit import audit_actions_declare

FILES_AUDIT_ACTIONS: dict[str, str] = {
    "file.uploaded": gettext_noop("Tải tệp lên"),
    "file.refused": gettext_noop("Từ chối tệp"),
    "file.downloaded": gettext_noop("Tải tệp xuống"),
    "file.corrupted": gettext_noop("Phát hiện nội dung tệp bị thay đổi trên đĩa"),
}

audit_actions_declare(FILES_AUDIT_ACTIONS)
