"""Who may see and act on the national-axis exchange of an agency (the "Liên thông" page, its API)."""

from qlvb.core.permissions import declare

APP = "exchange"

# The clerk (văn thư) of an agency sees what waits, was sent, failed or arrived, and retries a failed send.
AXIS_WORK = declare(APP, "exchange.axis_work", "Theo dõi, gửi lại văn bản liên thông", {"clerk"})
# The administrator sets the agency's connection to the axis (endpoint, system id, secret) and tests it.
AXIS_CONNECTION_MANAGE = declare(APP, "exchange.axis_connection_manage", "Cấu hình kết nối trục liên thông", {"admin"})
# Importing the axis's agency directory into the directory (as outside agencies).
AXIS_DIRECTORY_SYNC = declare(
    APP, "exchange.axis_directory_sync", "Đồng bộ danh bạ cơ quan từ trục liên thông", {"admin", "clerk"}
)

# The exchange's audit actions, declared here by the app that owns them (issue 10).
AUDIT_ACTIONS = {
    "exchange.connection_saved": "Cấu hình kết nối trục liên thông",
    "exchange.connection_tested": "Kiểm tra kết nối trục liên thông",
    "exchange.outbox_retried": "Gửi lại gói tin liên thông",
    "exchange.directory_synced": "Đồng bộ danh bạ cơ quan từ trục liên thông",
}


def _declare_audit_actions() -> None:
    from qlvb.core import audit

    for action, label in AUDIT_ACTIONS.items():
        audit.ACTIONS.setdefault(action, label)


_declare_audit_actions()
