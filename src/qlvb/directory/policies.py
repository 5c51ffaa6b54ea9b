"""Who may manage units, accounts and roles."""

from qlvb.core.permissions import declare

APP = "directory"

UNIT_MANAGE = declare(APP, "directory.unit_manage", "Quản lý đơn vị", {"admin"})
USER_MANAGE = declare(APP, "directory.user_manage", "Quản lý tài khoản người dùng", {"admin"})
USER_LOCK = declare(APP, "directory.user_lock", "Khóa, mở khóa tài khoản", {"admin"})
ROLE_MANAGE = declare(APP, "directory.role_manage", "Phân vai trò người dùng", {"admin"})
AUDIT_VIEW = declare(APP, "directory.audit_view", "Xem nhật ký hệ thống", {"admin"})
# Outside agencies (senders and recipients known only by name and code) are added by clerks as well.
OUTSIDE_AGENCY_MANAGE = declare(
    APP, "directory.outside_agency_manage", "Thêm cơ quan ngoài hệ thống vào danh bạ", {"admin", "clerk"}
)
# Ủy quyền: a leader grants his own; the agency's administrator grants (and revokes) any leader's.
DELEGATION_MANAGE = declare(
    APP, "directory.delegation_manage", "Ủy quyền ký, chỉ đạo thay lãnh đạo của cơ quan", {"admin"}
)
