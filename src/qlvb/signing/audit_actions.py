"""The audit actions of signing, declared into ``core.audit`` (``audit.record`` refuses undeclared
actions). Labels are marked for translation here."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from qlvb.core.audit import audit_actions_declare

SIGNING_AUDIT_ACTIONS: dict[str, str] = {
    "signing.profile_saved": gettext_noop("Cấu hình phương thức ký số"),
    "signing.image_uploaded": gettext_noop("Tải ảnh chữ ký / ảnh con dấu"),
    "signing.verified": gettext_noop("Kiểm tra chữ ký số của tệp"),
    "signing.pkcs12_uploaded": gettext_noop("Tải lên tệp chứng thư số (PKCS#12)"),
    "signing.anchor_added": gettext_noop("Thêm chứng thư gốc tin cậy"),
    "signing.anchor_removed": gettext_noop("Bỏ chứng thư gốc tin cậy"),
    "signing.plugin_signed": gettext_noop("Ký số bằng USB token tại máy người ký"),
}

audit_actions_declare(SIGNING_AUDIT_ACTIONS)
