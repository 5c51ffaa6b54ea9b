from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser


class AccountBackend(ModelBackend):
    """Username and password. Inherits the refusal of inactive (locked) accounts."""

    def user_can_authenticate(self, user: AbstractBaseUser | AnonymousUser | None) -> bool:
        return bool(getattr(user, "is_active", False))
