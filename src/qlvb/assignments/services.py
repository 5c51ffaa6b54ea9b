"""Writes on notifications owned by one user."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from qlvb.core import person_counts

from .models import Notification

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qlvb.directory.models import User


def notifications_mark_read(*, actor: User | AnonymousUser, ids: list[int] | None = None) -> int:
    """Mark the actor's notifications read (all, or those in ``ids``). Never touches another's."""
    if not actor.is_authenticated:
        return 0
    query = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        query = query.filter(pk__in=ids)
    changed = query.update(read_at=timezone.now())
    if changed:
        person_counts.people_changed([actor.pk])  # the unread badge
    return changed
