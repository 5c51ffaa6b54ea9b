from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from .models import User


class AccountBackend(ModelBackend):
    """Username and password. Inherits the refusal of inactive (locked) accounts."""

    def user_can_authenticate(self, user: AbstractBaseUser | AnonymousUser | None) -> bool:
        return bool(getattr(user, "is_active", False))

    def get_user(self, user_id: Any) -> User | None:
        """The session's person with his unit and its agency in the same query: every page shows the
        agency (``agency_of``), which otherwise costs two more queries per request."""
        found = list(User.objects.select_related("unit__agency").filter(pk=user_id))  # no ORDER BY, no LIMIT
        user = found[0] if found else None
        return user if user is not None and self.user_can_authenticate(user) else None
