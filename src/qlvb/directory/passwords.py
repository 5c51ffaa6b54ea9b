from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


class CharacterClassValidator:
    """A password mixes letters, digits and at least one other character, in both cases."""

    def validate(self, password: str, user: Any = None) -> None:
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if not all(classes):
            raise ValidationError(
                "Mật khẩu phải có chữ thường, chữ hoa, chữ số và ký tự đặc biệt.", code="password_classes"
            )

    def get_help_text(self) -> str:
        return "Mật khẩu phải có chữ thường, chữ hoa, chữ số và ký tự đặc biệt."
