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
    "auth.token_issued": gettext_noop("Cấp mã truy cập API"),
    "auth.token_revoked": gettext_noop("Thu hồi mã truy cập API"),
    "auth.token_refused": gettext_noop("Từ chối mã truy cập API"),
    "user.created": gettext_noop("Tạo tài khoản"),
    "user.updated": gettext_noop("Sửa tài khoản"),
    "user.locked": gettext_noop("Khóa tài khoản"),
    "user.unlocked": gettext_noop("Mở khóa tài khoản"),
    "role.granted": gettext_noop("Gán vai trò"),
    "role.revoked": gettext_noop("Bỏ vai trò"),
    "unit.created": gettext_noop("Tạo đơn vị"),
    "unit.updated": gettext_noop("Sửa đơn vị"),
}

audit_actions_declare(DIRECTORY_AUDIT_ACTIONS)
