"""Who may configure signing keys and images, and who may (re)run a verification."""

from qlvb.core.permissions import declare

APP = "signing"

PROFILE_MANAGE = declare(
    APP, "signing.profile_manage", "Cấu hình phương thức ký số, ảnh chữ ký và ảnh con dấu", {"admin"}
)
# NĐ 30/2020 Điều 33: the clerk (văn thư cơ quan) keeps the seal and the agency's signing key device.
AGENCY_MANAGE = declare(
    APP, "signing.agency_manage", "Cấu hình khóa ký số và ảnh con dấu của cơ quan", {"admin", "clerk"}
)
AGENCY_SIGN = declare(APP, "signing.agency_sign", "Ký số bằng chứng thư số của cơ quan", {"clerk"})
VERIFY = declare(
    APP,
    "signing.verify",
    "Kiểm tra chữ ký số của tệp",
    {"clerk", "leader", "dept_leader", "officer", "archivist", "admin"},
)
# The trust anchors are kept per deployment (one list for every agency it serves): any agency
# administrator may change them, every change is audited.
ANCHORS_MANAGE = declare(
    APP, "signing.anchors_manage", "Quản lý danh sách chứng thư gốc tin cậy (CA chuyên dùng, CA công cộng)", {"admin"}
)
