"""The audit actions of the work calendar, the announcements and the tasks, declared into ``core.audit`` (a
task's own history is its ``TaskEvent`` rows)."""

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

TASK_AUDIT_ACTIONS: dict[str, str] = {
    "task.documents_changed": gettext_noop("Sửa văn bản, hồ sơ liên quan của công việc"),
}

audit_actions_declare(CALENDAR_AUDIT_ACTIONS)
audit_actions_declare(TASK_AUDIT_ACTIONS)
