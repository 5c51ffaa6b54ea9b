from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_noop

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

MESSAGE = gettext_noop("Mật khẩu phải có chữ thường, chữ hoa, chữ số và ký tự đặc biệt.")


class CharacterClassValidator:
    """A password mixes letters, digits and at least one other character, in both cases."""

    def validate(self, password: str, user: AbstractBaseUser | None = None) -> None:
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if not all(classes):
            raise ValidationError(gettext(MESSAGE), code="password_classes")

    def get_help_text(self) -> str:
        return gettext(MESSAGE)
