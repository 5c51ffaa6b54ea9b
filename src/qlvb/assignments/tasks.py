"""Celery tasks of assignments: store notifications; the daily deadline sweep lives in incoming."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .models import Notification
from .notify import notifications_stored


@shared_task(name="qlvb.assignments.notification_send")
def notification_send(
    *, user_ids: list[int], kind: str, text: str, document_id: int | None = None, assignment_id: int | None = None
) -> int:
    now = timezone.now()
    created = Notification.objects.bulk_create(
        [
            Notification(
                user_id=uid, kind=kind, text=text, document_id=document_id, assignment_id=assignment_id, created_at=now
            )
            for uid in user_ids
        ]
    )
    notifications_stored([n.pk for n in created if n.pk is not None])
    return len(user_ids)
