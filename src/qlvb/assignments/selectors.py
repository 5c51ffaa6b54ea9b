"""Reads of assignments-owned data for one user."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet

from qlvb.core import person_counts
from qlvb.core.statements import KeptStatement

from .models import Notification

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qlvb.directory.models import User


def notifications_for(user: User | AnonymousUser) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user_id=user.pk).select_related("document")


# The badge's count, on every page (unless the per-person counts are kept in Redis): kept compiled. No row
# when nothing is unread.
_UNREAD: KeptStatement[int] = KeptStatement(
    "assignments.unread",
    lambda user_id: (
        Notification.objects.filter(user_id=user_id, read_at__isnull=True)
        .order_by()
        .values("user_id")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True)
    ),
    user_id=int,
)


def notifications_unread_count(user: User | AnonymousUser | None) -> int:
    if user is None or user.pk is None:  # the anonymous user has no pk
        return 0
    user_id = user.pk
    return person_counts.cached(user_id, "unread", lambda: _UNREAD.first(user_id=user_id) or 0)
