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
    "dossiers.retention_reassessed": gettext_noop("Xác định lại thời hạn bảo quản khi đóng hồ sơ"),
    "dossiers.duplicates_removed": gettext_noop("Rút bản trùng khi đóng hồ sơ"),
    "dossiers.terms_set": gettext_noop("Đặt chế độ sử dụng, loại hồ sơ"),
    "dossiers.transfer_created": gettext_noop("Lập đợt nộp lưu"),
    "dossiers.transfer_submitted": gettext_noop("Nộp lưu hồ sơ"),
    "dossiers.transfer_accepted": gettext_noop("Lưu trữ nhận hồ sơ"),
    "dossiers.transfer_returned": gettext_noop("Lưu trữ trả lại hồ sơ"),
    "dossiers.disposal_proposed": gettext_noop("Đề nghị hủy tài liệu"),
    "dossiers.disposal_appraised": gettext_noop("Ghi kết quả thẩm định của hội đồng"),
    "dossiers.disposal_approved": gettext_noop("Duyệt hủy tài liệu"),
    "dossiers.disposal_executed": gettext_noop("Hủy tài liệu hết giá trị"),
    "dossiers.kept": gettext_noop("Đồng ý giữ lại hồ sơ đến hạn nộp lưu"),
}

audit_actions_declare(DOSSIER_AUDIT_ACTIONS)
