"""The audit actions of the directory (sign-in, API tokens, accounts, roles, units), declared into
``core.audit`` (``audit.record`` refuses undeclared actions). Labels are marked for translation here."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from qlvb.core.audit import audit_actions_declare

DIRECTORY_AUDIT_ACTIONS: dict[str, str] = {
    "auth.sign_in": gettext_noop("Đăng nhập"),
    "auth.sign_in_failed": gettext_noop("Đăng nhập sai"),
    "auth.locked_out": gettext_noop("Tạm khóa do đăng nhập sai nhiều lần"),
    "auth.sign_out": gettext_noop("Đăng xuất"),
    "auth.password_changed": gettext_noop("Đổi mật khẩu"),
    "auth.twofactor_enabled": gettext_noop("Bật xác thực hai bước"),
    "auth.twofactor_disabled": gettext_noop("Tắt xác thực hai bước"),
    "auth.twofactor_verified": gettext_noop("Xác thực hai bước khi đăng nhập"),
    "auth.twofactor_failed": gettext_noop("Nhập sai mã xác thực hai bước"),
    "auth.device_remembered": gettext_noop("Ghi nhớ thiết bị cho xác thực hai bước"),
    "user.twofactor_reset": gettext_noop("Đặt lại xác thực hai bước của người dùng"),
    "auth.recovery_codes_issued": gettext_noop("Cấp mã khôi phục xác thực hai bước"),
    "auth.passkey_added": gettext_noop("Thêm khóa đăng nhập (passkey)"),
    "auth.passkey_removed": gettext_noop("Xóa khóa đăng nhập (passkey)"),
    "auth.passkey_refused": gettext_noop("Từ chối khóa đăng nhập (passkey)"),
    "auth.token_issued": gettext_noop("Cấp mã truy cập API"),
    "auth.token_revoked": gettext_noop("Thu hồi mã truy cập API"),
    "auth.session_ended": gettext_noop("Đăng xuất một phiên đăng nhập"),
    "auth.sessions_ended_elsewhere": gettext_noop("Đăng xuất mọi nơi khác"),
    "auth.token_refused": gettext_noop("Từ chối mã truy cập API"),
    "user.created": gettext_noop("Tạo tài khoản"),
    "user.updated": gettext_noop("Sửa tài khoản"),
    "user.locked": gettext_noop("Khóa tài khoản"),
    "user.unlocked": gettext_noop("Mở khóa tài khoản"),
    "user.password_reset": gettext_noop("Đặt lại mật khẩu"),
    "user.sessions_ended": gettext_noop("Đăng xuất mọi phiên của người dùng"),
    "role.granted": gettext_noop("Gán vai trò"),
    "role.revoked": gettext_noop("Bỏ vai trò"),
    "unit.created": gettext_noop("Tạo đơn vị"),
    "unit.updated": gettext_noop("Sửa đơn vị"),
    "unit.moved": gettext_noop("Chuyển đơn vị sang đơn vị cấp trên khác"),
    "unit.closed": gettext_noop("Giải thể đơn vị"),
    "delegation.granted": gettext_noop("Ủy quyền ký, chỉ đạo"),
    "delegation.revoked": gettext_noop("Thu hồi ủy quyền"),
    "delegation.acted": gettext_noop("Thực hiện theo ủy quyền"),
}

audit_actions_declare(DIRECTORY_AUDIT_ACTIONS)
