"""Celery tasks of push notifications: the fan-out of stored notifications, and one device's retry."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings

from .delivery import Send
from .fanout import FanoutReport, backoff, push_send, sends_for


def _schedule_retries(report: FanoutReport, attempt: int) -> None:
    if attempt > settings.QLVB_PUSH_RETRIES:
        return
    for send in report.retry:
        push_retry.apply_async(
            kwargs={"send": _as_dict(send), "attempt": attempt},
            countdown=backoff(attempt, report.retry_after.get(send.subscription_id)),
        )


def _as_dict(send: Send) -> dict[str, Any]:
    return {
        "subscription_id": send.subscription_id,
        "endpoint": send.endpoint,
        "p256dh": send.p256dh,
        "auth": send.auth,
        "payload": send.payload.decode("utf-8"),
        "urgency": send.urgency,
        "ttl": send.ttl,
    }


@shared_task(name="qlvb.notifications.push_fanout")
def push_fanout(*, notification_ids: list[int]) -> dict[str, int]:
    report = push_send(sends_for(notification_ids))
    _schedule_retries(report, 1)
    return {"sent": report.sent, "gone": report.gone, "retry": len(report.retry), "refused": report.refused}


@shared_task(name="qlvb.notifications.push_retry")
def push_retry(*, send: dict[str, Any], attempt: int) -> dict[str, int]:
    """One device again (the endpoint and keys as they were when first sent; a removed device is skipped)."""
    from .models import PushSubscription

    if not PushSubscription.objects.filter(pk=send["subscription_id"]).exists():
        return {"sent": 0, "gone": 0, "retry": 0, "refused": 0}
    one = Send(**{**send, "payload": send["payload"].encode("utf-8")})
    report = push_send([one], workers=1)
    _schedule_retries(report, attempt + 1)
    return {"sent": report.sent, "gone": report.gone, "retry": len(report.retry), "refused": report.refused}


def push_after_notifications(ids: list[int]) -> None:
    """Listener of ``assignments.notify``: notifications just stored (after commit) are pushed by a task."""
    push_fanout.delay(notification_ids=list(ids))
