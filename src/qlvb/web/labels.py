"""Translatable labels for names the lower layers keep as plain Vietnamese strings.

``core.permissions.ROLES`` and ``core.audit.ACTIONS`` hold Vietnamese labels without gettext (the
services and the API show them as they are). The pages translate them through this module: each
label is marked here so ``makemessages`` finds it, and :func:`role_label` / :func:`action_label`
look it up in the active language. A label not marked here (an action added later) shows in
Vietnamese, which is the source language anyway.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

from qlvb.core.audit import ACTIONS
from qlvb.core.permissions import ROLES

_MARKED = (
    # roles (core.permissions.ROLES)
    gettext_noop("Lãnh đạo"),
    gettext_noop("Lãnh đạo phòng"),
    gettext_noop("Văn thư"),
    gettext_noop("Chuyên viên"),
    gettext_noop("Lưu trữ"),
    gettext_noop("Quản trị"),
    # audit actions (core.audit.ACTIONS)
    gettext_noop("Đăng nhập"),
    gettext_noop("Đăng nhập sai"),
    gettext_noop("Tạm khóa do đăng nhập sai nhiều lần"),
    gettext_noop("Đăng xuất"),
    gettext_noop("Đổi mật khẩu"),
    gettext_noop("Cấp mã truy cập API"),
    gettext_noop("Thu hồi mã truy cập API"),
    gettext_noop("Từ chối mã truy cập API"),
    gettext_noop("Tạo tài khoản"),
    gettext_noop("Sửa tài khoản"),
    gettext_noop("Khóa tài khoản"),
    gettext_noop("Mở khóa tài khoản"),
    gettext_noop("Gán vai trò"),
    gettext_noop("Bỏ vai trò"),
    gettext_noop("Tạo đơn vị"),
    gettext_noop("Sửa đơn vị"),
    gettext_noop("Tải tệp lên"),
    gettext_noop("Từ chối tệp"),
    gettext_noop("Tải tệp xuống"),
)


def role_label(role: str) -> str:
    label = ROLES.get(role)
    return gettext(label) if label else role


def action_label(action: str) -> str:
    label = ACTIONS.get(action)
    return gettext(label) if label else action


def action_choices() -> list[tuple[str, str]]:
    return sorted(((code, action_label(code)) for code in ACTIONS), key=lambda item: item[1])


def role_choices() -> list[tuple[str, str]]:
    return [(code, role_label(code)) for code in ROLES]
