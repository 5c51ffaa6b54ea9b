"""Celery tasks of assignments: store notifications; the daily deadline sweep lives in incoming."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .models import Notification


@shared_task(name="qlvb.assignments.notification_send")
def notification_send(
    *, user_ids: list[int], kind: str, text: str, document_id: int | None = None, assignment_id: int | None = None
) -> int:
    now = timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=uid, kind=kind, text=text, document_id=document_id, assignment_id=assignment_id, created_at=now
            )
            for uid in user_ids
        ]
    )
    return len(user_ids)
