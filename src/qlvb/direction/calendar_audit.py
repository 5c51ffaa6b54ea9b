"""The audit actions of the work calendar and the announcements, declared into ``core.audit``."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from qlvb.core.audit import audit_actions_declare

CALENDAR_AUDIT_ACTIONS: dict[str, str] = {
    "calendar.event_created": gettext_noop("Thêm sự kiện vào lịch công tác"),
    "calendar.event_changed": gettext_noop("Sửa sự kiện lịch công tác"),
    "calendar.event_cancelled": gettext_noop("Hủy sự kiện lịch công tác"),
    "calendar.week_published": gettext_noop("Công bố lịch công tác tuần"),
    "calendar.room_created": gettext_noop("Thêm phòng họp"),
    "calendar.feed_issued": gettext_noop("Tạo đường dẫn lịch iCalendar"),
    "calendar.feed_revoked": gettext_noop("Thu hồi đường dẫn lịch iCalendar"),
    "announcement.created": gettext_noop("Đăng thông báo nội bộ"),
}

audit_actions_declare(CALENDAR_AUDIT_ACTIONS)
