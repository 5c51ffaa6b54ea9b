"""The audit actions of the connected systems, declared into ``core.audit``."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from qlvb.core.audit import audit_actions_declare

INTEGRATIONS_AUDIT_ACTIONS: dict[str, str] = {
    "integrations.system_registered": gettext_noop("Đăng ký hệ thống kết nối"),
    "integrations.secret_rotated": gettext_noop("Cấp lại khóa bí mật của hệ thống kết nối"),
    "integrations.system_revoked": gettext_noop("Thu hồi quyền truy cập của hệ thống kết nối"),
    "integrations.code_mapped": gettext_noop("Thêm mã vào bảng mã của hệ thống kết nối"),
    "integrations.code_unmapped": gettext_noop("Xóa mã khỏi bảng mã của hệ thống kết nối"),
    "integrations.token_issued": gettext_noop("Hệ thống kết nối lấy mã truy cập"),
    "integrations.token_refused": gettext_noop("Từ chối hệ thống kết nối lấy mã truy cập"),
    "integrations.call": gettext_noop("Hệ thống kết nối gọi API"),
    "integrations.call_refused": gettext_noop("Từ chối lời gọi API của hệ thống kết nối"),
    "integrations.draft_submitted": gettext_noop("Hệ thống kết nối gửi dự thảo văn bản đi"),
    "integrations.result_acknowledged": gettext_noop("Hệ thống kết nối xác nhận đã nhận kết quả"),
    "integrations.incoming_received": gettext_noop("Hệ thống kết nối chuyển văn bản đến"),
    "integrations.webhook_created": gettext_noop("Đăng ký nhận sự kiện (webhook) cho hệ thống kết nối"),
    "integrations.webhook_secret_rotated": gettext_noop("Cấp lại khóa ký sự kiện (webhook)"),
    "integrations.webhook_paused": gettext_noop("Tạm dừng gửi sự kiện (webhook)"),
    "integrations.webhook_auto_paused": gettext_noop("Tự động tạm dừng gửi sự kiện sau nhiều lần lỗi"),
    "integrations.webhook_resumed": gettext_noop("Tiếp tục gửi sự kiện (webhook)"),
    "integrations.webhook_replayed": gettext_noop("Gửi lại sự kiện (webhook)"),
}

audit_actions_declare(INTEGRATIONS_AUDIT_ACTIONS)
