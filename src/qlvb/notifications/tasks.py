"""Celery tasks of push notifications: the fan-out of stored notifications (what comes in a person's quiet
hours is held), one device's retry, and the release of held pushes as summaries (beat, every 5 min)."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings

from .delivery import Send
from .fanout import FanoutReport, backoff, held_pushes_keep, push_plan, push_send


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
    plan = push_plan(notification_ids)
    held = held_pushes_keep(plan.held)
    report = push_send(plan.sends)
    _schedule_retries(report, 1)
    return {
        "sent": report.sent,
        "gone": report.gone,
        "retry": len(report.retry),
        "refused": report.refused,
        "held": held,
    }


@shared_task(name="qlvb.notifications.held_pushes_release")
def held_pushes_release() -> dict[str, int]:
    """The pushes held in quiet hours that have ended: one summary per person, sent after the rows are
    taken (committed), with the usual retries."""
    from .held import held_pushes_release as release_due

    release = release_due()
    report = push_send(release.sends)
    _schedule_retries(report, 1)
    return {"held": release.held, "people": release.people, "sent": report.sent, "retry": len(report.retry)}


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
