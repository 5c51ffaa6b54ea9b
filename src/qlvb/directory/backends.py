from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
    """Username and password. Inherits the refusal of inactive (locked) accounts."""

    def user_can_authenticate(self, user: Any) -> bool:
        return bool(getattr(user, "is_active", False))
