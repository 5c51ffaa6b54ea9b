"""The document events of the incoming flow (receiving, registering, routing, handling, follow-up),
declared into the shared table of ``documents.events`` (``event_record`` refuses undeclared actions)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from qlvb.documents.events import events_declare

INCOMING_EVENTS: dict[str, str] = {
    "received": gettext_noop("Tiếp nhận văn bản"),
    "registered": gettext_noop("Vào sổ văn bản đến"),
    "duplicate_confirmed": gettext_noop("Xác nhận tiếp nhận văn bản trùng"),
    "file_attached": gettext_noop("Đính kèm tệp"),
    "submitted": gettext_noop("Trình lãnh đạo"),
    "returned_to_clerk": gettext_noop("Trả lại văn thư"),
    "directed": gettext_noop("Cho ý kiến chỉ đạo"),
    "self_handled": gettext_noop("Lãnh đạo trực tiếp xử lý"),
    "routed": gettext_noop("Văn thư chuyển đơn vị xử lý"),
    "assigned": gettext_noop("Phân công trong phòng"),
    "assignment_returned": gettext_noop("Trả lại phân công"),
    "progress": gettext_noop("Cập nhật tiến độ"),
    "opinion": gettext_noop("Ý kiến xử lý"),
    "assignment_done": gettext_noop("Hoàn thành phần việc"),
    "completed": gettext_noop("Hoàn thành xử lý văn bản"),
    "completion_submitted": gettext_noop("Báo cáo hoàn thành, chờ chấp nhận kết quả"),
    "completion_accepted": gettext_noop("Chấp nhận kết quả xử lý"),
    "completion_returned": gettext_noop("Trả lại kết quả xử lý"),
    "assignments_closed": gettext_noop("Đóng các phần việc còn mở"),
    "file_replaced": gettext_noop("Thay tệp (phiên bản mới)"),
    "metadata_corrected": gettext_noop("Sửa thông tin văn bản"),
    "extension_requested": gettext_noop("Đề nghị gia hạn"),
    "extension_granted": gettext_noop("Đồng ý gia hạn"),
    "extension_refused": gettext_noop("Từ chối gia hạn"),
    "reminded": gettext_noop("Đôn đốc"),
    "rejected": gettext_noop("Từ chối tiếp nhận văn bản"),
    "signature_checked": gettext_noop("Kiểm tra chữ ký số"),
}

events_declare(INCOMING_EVENTS)
