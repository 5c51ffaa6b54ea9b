"""The document events of the outgoing flow, declared into the shared table of ``documents.events``
(``event_record`` refuses undeclared actions)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from qlvb.documents.events import events_declare

OUTGOING_EVENTS: dict[str, str] = {
    "drafted": gettext_noop("Tạo dự thảo văn bản đi"),
    "metadata_changed": gettext_noop("Sửa thông tin văn bản đi"),
    "version_uploaded": gettext_noop("Tải lên phiên bản dự thảo"),
    "commented": gettext_noop("Góp ý dự thảo"),
    "draft_submitted": gettext_noop("Trình duyệt dự thảo"),
    "draft_approved": gettext_noop("Duyệt dự thảo"),
    "draft_returned": gettext_noop("Trả lại dự thảo"),
    "chain_restarted": gettext_noop("Dự thảo thay đổi sau khi duyệt, trình duyệt lại"),
    "format_checked": gettext_noop("Kiểm tra thể thức, kỹ thuật trình bày"),
    "signed_personal": gettext_noop("Ký ban hành (chữ ký số cá nhân)"),
    "numbered": gettext_noop("Cấp số, ngày ban hành"),
    "signed_agency": gettext_noop("Ký số của cơ quan"),
    "recipients_routed": gettext_noop("Văn thư quyết định cách gửi một nơi nhận"),
    "issued": gettext_noop("Phát hành văn bản"),
    "revoked": gettext_noop("Thu hồi văn bản"),
    "replaced": gettext_noop("Văn bản bị thay thế"),
    "updated": gettext_noop("Văn bản được cập nhật, đính chính"),
    "take_back_requested": gettext_noop("Lấy lại văn bản từ một nơi nhận"),
    "deliveries_retried": gettext_noop("Gửi lại tới các nơi nhận chưa gửi được"),
    "consultation_opened": gettext_noop("Lấy ý kiến dự thảo"),
    "consultation_answered": gettext_noop("Góp ý dự thảo (lấy ý kiến)"),
    "consultation_extended": gettext_noop("Gia hạn lấy ý kiến"),
    "consultation_closed": gettext_noop("Kết thúc lấy ý kiến"),
    "reply_due_reminded": gettext_noop("Nhắc hạn trả lời văn bản đi"),
    "reply_followed_up": gettext_noop("Kết thúc theo dõi hạn trả lời"),
}

events_declare(OUTGOING_EVENTS)
