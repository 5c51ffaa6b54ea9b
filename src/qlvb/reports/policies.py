"""Who may see which figures. A role held in the agency sees the whole agency; a department leader sees
his departments only (``scope.py`` turns that into the SQL filter)."""

from __future__ import annotations

from qlvb.core.permissions import declare

APP = "reports"

VIEW = declare(
    APP,
    "reports.view",
    "Xem bảng điều hành và thống kê xử lý văn bản, công việc",
    {"leader", "dept_leader", "clerk", "admin"},
)
USAGE = declare(
    APP, "reports.usage", "Lập báo cáo 06 tháng tình hình sử dụng Hệ thống QLVB&ĐH của cơ quan", {"leader", "admin"}
)
DEPLOYMENT = declare(
    APP,
    "reports.deployment",
    "Lập báo cáo tình hình sử dụng Hệ thống cho toàn bộ các cơ quan mình quản trị",
    {"admin"},
)
