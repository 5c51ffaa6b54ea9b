"""Writes on notifications owned by one user."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from .models import Notification


def notifications_mark_read(*, actor: Any, ids: list[int] | None = None) -> int:
    """Mark the actor's notifications read (all, or those in ``ids``). Never touches another's."""
    query = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        query = query.filter(pk__in=ids)
    return query.update(read_at=timezone.now())
