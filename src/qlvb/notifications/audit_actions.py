"""The audited actions of push notifications (declared when the app is ready)."""

from django.utils.translation import gettext_noop

from qlvb.core.audit import audit_actions_declare

audit_actions_declare(
    {
        "push.subscribed": gettext_noop("Đăng ký thiết bị nhận thông báo"),
        "push.unsubscribed": gettext_noop("Hủy thiết bị nhận thông báo"),
        "push.expired": gettext_noop("Thiết bị nhận thông báo hết hiệu lực (dịch vụ đẩy báo 404/410)"),
        "push.preference_changed": gettext_noop("Đổi cài đặt thông báo trên thiết bị"),
    }
)
