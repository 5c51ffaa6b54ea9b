"""Translated labels of the roles of ``core.permissions.ROLES``, for the pages of every app.

``ROLES`` keeps plain Vietnamese strings (the services and the API show them as they are); each is
marked here so ``makemessages`` finds it, and :func:`role_label` looks it up in the active language.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

from .permissions import ROLES

_MARKED = (
    gettext_noop("Lãnh đạo"),
    gettext_noop("Lãnh đạo phòng"),
    gettext_noop("Văn thư"),
    gettext_noop("Chuyên viên"),
    gettext_noop("Lưu trữ"),
    gettext_noop("Quản trị"),
)


def role_label(role: str) -> str:
    label = ROLES.get(role)
    return gettext(label) if label else role


def role_choices() -> list[tuple[str, str]]:
    return [(code, role_label(code)) for code in ROLES]
