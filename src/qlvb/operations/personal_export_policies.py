"""Who decides a personal data export: the head of the person's unit (a department's head, the agency's
leaders) or the agency administrator. The person himself only asks and downloads."""

from qlvb.core.permissions import declare

APP = "operations"

PERSONAL_EXPORT_DECIDE = declare(
    APP,
    "operations.personal_export_decide",
    "Duyệt, từ chối yêu cầu xuất dữ liệu cá nhân",
    {"leader", "dept_leader", "admin"},
)
