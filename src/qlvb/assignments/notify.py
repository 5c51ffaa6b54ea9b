"""Notifications leave the process only after the action's transaction commits, through Celery:
a rolled-back action notifies nobody."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.db import transaction

if TYPE_CHECKING:
    from qlvb.directory.models import User


def notify_after_commit(
    *,
    users: Iterable[User | int | None],
    kind: str,
    text: str,
    document_id: int | None = None,
    assignment_id: int | None = None,
    exclude: User | None = None,
) -> None:
    user_ids = sorted({u if isinstance(u, int) else u.pk for u in users if u is not None})
    if exclude is not None:
        user_ids = [uid for uid in user_ids if uid != exclude.pk]
    if not user_ids:
        return

    def send() -> None:
        from .tasks import notification_send

        notification_send.delay(
            user_ids=user_ids, kind=kind, text=text[:500], document_id=document_id, assignment_id=assignment_id
        )

    transaction.on_commit(send)


# Who else hears of stored notifications (the push of notifications, layer 6, registers itself in its
# AppConfig.ready: this layer never imports it).
_stored_listeners: list[Callable[[list[int]], None]] = []


def notifications_stored_listener_register(listener: Callable[[list[int]], None]) -> None:
    if listener not in _stored_listeners:
        _stored_listeners.append(listener)


def notifications_stored(ids: list[int]) -> None:
    """Tell every registered listener the ids of notifications just stored (already committed)."""
    if ids:
        for listener in _stored_listeners:
            listener(ids)
