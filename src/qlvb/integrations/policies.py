"""Who may register connected systems and manage their code tables."""

from qlvb.core.permissions import declare

APP = "integrations"

SYSTEM_MANAGE = declare(
    APP, "integrations.system_manage", "Quản lý hệ thống kết nối (tài khoản hệ thống, bảng mã)", {"admin"}
)
