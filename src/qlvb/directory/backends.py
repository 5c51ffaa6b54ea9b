from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from qlvb.core.statements import KeptStatement

from .models import User

# The session's person with his unit and its agency in one statement (every page shows the agency,
# ``agency_of``), kept compiled: it runs on every request (core/statements.py).
_SESSION_USER: KeptStatement[User] = KeptStatement(
    "directory.session_user",
    lambda user_id: User.objects.select_related("unit__agency").filter(pk=user_id),  # no ORDER BY, no LIMIT
    user_id=int,
)


class AccountBackend(ModelBackend):
    """Username and password. Inherits the refusal of inactive (locked) accounts."""

    def user_can_authenticate(self, user: AbstractBaseUser | AnonymousUser | None) -> bool:
        return bool(getattr(user, "is_active", False))

    def get_user(self, user_id: Any) -> User | None:
        """The session's person with his unit and its agency in the same query: every page shows the
        agency (``agency_of``), which otherwise costs two more queries per request."""
        try:
            key = int(user_id)
        except (TypeError, ValueError):
            return None
        if not 0 < key < 2**63:  # outside the id column's range: nobody (the database would refuse it)
            return None
        user = _SESSION_USER.first(user_id=key)
        return user if user is not None and self.user_can_authenticate(user) else None
