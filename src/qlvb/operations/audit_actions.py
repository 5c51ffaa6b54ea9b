"""The audit actions of operations, declared into ``core.audit``."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from qlvb.core.audit import audit_actions_declare

OPERATIONS_AUDIT_ACTIONS: dict[str, str] = {
    "operations.backup_requested": gettext_noop("Yêu cầu sao lưu ngay"),
    "operations.notice_started": gettext_noop("Thông báo sự cố / bảo trì"),
    "operations.notice_ended": gettext_noop("Kết thúc sự cố / bảo trì"),
    "operations.ticket_filed": gettext_noop("Gửi yêu cầu hỗ trợ"),
    "operations.ticket_answered": gettext_noop("Trả lời yêu cầu hỗ trợ"),
    "operations.ticket_closed": gettext_noop("Đóng yêu cầu hỗ trợ"),
    "operations.personal_export_requested": gettext_noop("Yêu cầu xuất dữ liệu cá nhân"),
    "operations.personal_export_approved": gettext_noop("Duyệt xuất dữ liệu cá nhân"),
    "operations.personal_export_refused": gettext_noop("Từ chối xuất dữ liệu cá nhân"),
    "operations.personal_export_built": gettext_noop("Tạo xong tệp dữ liệu cá nhân"),
    "operations.personal_export_failed": gettext_noop("Không tạo được tệp dữ liệu cá nhân"),
    "operations.personal_export_downloaded": gettext_noop("Tải tệp dữ liệu cá nhân"),
    "operations.personal_export_expired": gettext_noop("Xóa tệp dữ liệu cá nhân hết hạn"),
    "operations.item_handed_over": gettext_noop("Chuyển giao công việc do nghỉ việc, chuyển công tác"),
    "operations.handover_made": gettext_noop("Lập biên bản bàn giao"),
    "operations.person_moved": gettext_noop("Chuyển công tác sang đơn vị khác"),
    "operations.register_import_checked": gettext_noop("Kiểm tra tệp sổ đăng ký văn bản để nhập"),
    "operations.register_imported": gettext_noop("Nhập sổ đăng ký văn bản từ Excel/CSV"),
    "operations.bundle_checked": gettext_noop("Kiểm tra gói chuyển đổi dữ liệu từ hệ thống cũ"),
    "operations.bundle_sheet_imported": gettext_noop("Nhập một bảng của gói chuyển đổi dữ liệu"),
    "operations.account_migrated": gettext_noop("Tạo tài khoản chuyển đổi từ hệ thống cũ (khóa, chờ kích hoạt)"),
    "operations.upgraded": gettext_noop("Nâng cấp phiên bản hệ thống"),
    "operations.whats_new_seen": gettext_noop("Đã xem thông báo có gì mới"),
}

audit_actions_declare(OPERATIONS_AUDIT_ACTIONS)
