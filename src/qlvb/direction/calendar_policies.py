"""Who may do what with the work calendar and the announcements (permission names declared in one place).

The agency's calendar is drafted by the office (the clerk, văn thư — the calendar-editor permission) and
approved and published by a leader; a unit's calendar is kept by its head (or the office); a personal
calendar by its owner alone. Announcements go out from the leaders, the office, and a department head
to his own department."""

from __future__ import annotations

from qlvb.core.permissions import declare

APP = "direction"

CALENDAR_EDIT = declare(APP, "direction.calendar_edit", "Soạn lịch công tác của cơ quan", {"clerk", "leader"})
CALENDAR_PUBLISH = declare(APP, "direction.calendar_publish", "Duyệt và công bố lịch công tác", {"leader"})
UNIT_CALENDAR_EDIT = declare(
    APP, "direction.unit_calendar_edit", "Soạn lịch công tác của đơn vị", {"dept_leader", "clerk", "leader"}
)
ROOM_MANAGE = declare(APP, "direction.room_manage", "Quản lý phòng họp", {"clerk", "admin"})
ANNOUNCE = declare(APP, "direction.announce", "Đăng thông báo nội bộ", {"leader", "clerk", "dept_leader"})
