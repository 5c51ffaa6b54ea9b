"""The document events of the outgoing flow, declared into the shared table of ``documents.events``
(``event_record`` refuses undeclared actions)."""

from __future__ import annotations

from qlvb.documents.events import events_declare

OUTGOING_EVENTS: dict[str, str] = {
    "drafted": "Tạo dự thảo văn bản đi",
    "metadata_changed": "Sửa thông tin văn bản đi",
    "version_uploaded": "Tải lên phiên bản dự thảo",
    "commented": "Góp ý dự thảo",
    "draft_submitted": "Trình duyệt dự thảo",
    "draft_approved": "Duyệt dự thảo",
    "draft_returned": "Trả lại dự thảo",
    "chain_restarted": "Dự thảo thay đổi sau khi duyệt, trình duyệt lại",
    "format_checked": "Kiểm tra thể thức, kỹ thuật trình bày",
    "signed_personal": "Ký ban hành (chữ ký số cá nhân)",
    "numbered": "Cấp số, ngày ban hành",
    "signed_agency": "Ký số của cơ quan",
    "recipients_routed": "Văn thư quyết định cách gửi một nơi nhận",
    "issued": "Phát hành văn bản",
    "revoked": "Thu hồi văn bản",
    "replaced": "Văn bản bị thay thế",
    "updated": "Văn bản được cập nhật, đính chính",
    "take_back_requested": "Lấy lại văn bản từ một nơi nhận",
    "deliveries_retried": "Gửi lại tới các nơi nhận chưa gửi được",
    "consultation_opened": "Lấy ý kiến dự thảo",
    "consultation_answered": "Góp ý dự thảo (lấy ý kiến)",
    "consultation_extended": "Gia hạn lấy ý kiến",
    "consultation_closed": "Kết thúc lấy ý kiến",
    "reply_due_reminded": "Nhắc hạn trả lời văn bản đi",
    "reply_followed_up": "Kết thúc theo dõi hạn trả lời",
}

events_declare(OUTGOING_EVENTS)
