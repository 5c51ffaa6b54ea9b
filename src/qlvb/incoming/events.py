"""The document events of the incoming flow (receiving, registering, routing, handling, follow-up),
declared into the shared table of ``documents.events`` (``event_record`` refuses undeclared actions)."""

from __future__ import annotations

from qlvb.documents.events import events_declare

INCOMING_EVENTS: dict[str, str] = {
    "received": "Tiếp nhận văn bản",
    "registered": "Vào sổ văn bản đến",
    "duplicate_confirmed": "Xác nhận tiếp nhận văn bản trùng",
    "file_attached": "Đính kèm tệp",
    "submitted": "Trình lãnh đạo",
    "returned_to_clerk": "Trả lại văn thư",
    "directed": "Cho ý kiến chỉ đạo",
    "self_handled": "Lãnh đạo trực tiếp xử lý",
    "routed": "Văn thư chuyển đơn vị xử lý",
    "assigned": "Phân công trong phòng",
    "assignment_returned": "Trả lại phân công",
    "progress": "Cập nhật tiến độ",
    "opinion": "Ý kiến xử lý",
    "assignment_done": "Hoàn thành phần việc",
    "completed": "Hoàn thành xử lý văn bản",
    "completion_submitted": "Báo cáo hoàn thành, chờ chấp nhận kết quả",
    "completion_accepted": "Chấp nhận kết quả xử lý",
    "completion_returned": "Trả lại kết quả xử lý",
    "assignments_closed": "Đóng các phần việc còn mở",
    "file_replaced": "Thay tệp (phiên bản mới)",
    "metadata_corrected": "Sửa thông tin văn bản",
    "extension_requested": "Đề nghị gia hạn",
    "extension_granted": "Đồng ý gia hạn",
    "extension_refused": "Từ chối gia hạn",
    "reminded": "Đôn đốc",
    "rejected": "Từ chối tiếp nhận văn bản",
    "signature_checked": "Kiểm tra chữ ký số",
}

events_declare(INCOMING_EVENTS)
