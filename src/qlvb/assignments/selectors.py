"""Reads of assignments-owned data for one user."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Notification


def notifications_for(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("document")


def notifications_unread_count(user: Any) -> int:
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
