"""Sending one webhook delivery: claim it (one sender at a time, no lock held during the call), POST the
stored body signed with the subscription's secret and the attempt's time, log the attempt (status code,
time, error, number), then: delivered; or retried later (exponential back-off with jitter) until its tries
run out (failed, replayable from the page); after ``QLVB_WEBHOOK_PAUSE_AFTER`` failed attempts in a row the
subscription pauses itself (audited, its administrators notified).

Headers: ``X-Qlvb-Event`` (kind), ``X-Qlvb-Delivery`` (the delivery's id, the same on every attempt: the
receiver's key to drop a repeat), ``X-Qlvb-Timestamp`` (Unix seconds), ``X-Qlvb-Signature:
sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>``."""

from __future__ import annotations

import hashlib
import hmac
import random
import threading
import time
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from qlvb.assignments.models import NotificationKind
from qlvb.assignments.notify import notify_after_commit
from qlvb.core import audit

from .models import DeliveryState, Scope, Subscription, WebhookAttempt, WebhookDelivery
from .webhook_secrets import secret_unseal

_local = threading.local()


def _session() -> requests.Session:
    """One keep-alive session per thread (a Celery worker's, a benchmark's)."""
    session = getattr(_local, "session", None)
    if session is None:
        session = requests.Session()
        session.trust_env = False  # no proxy from the environment: the address is the subscription's
        _local.session = session
    return session


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def timeouts() -> tuple[float, float]:
    return _setting("QLVB_WEBHOOK_CONNECT_TIMEOUT", 5), _setting("QLVB_WEBHOOK_READ_TIMEOUT", 10)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def backoff(attempt: int) -> float:
    """Seconds before retry ``attempt`` + 1: the base doubled each time up to the cap, then half of it fixed
    and half random (jitter: receivers that failed together are not hit together again)."""
    base = _setting("QLVB_WEBHOOK_BACKOFF_SECONDS", 30)
    delay = min(_setting("QLVB_WEBHOOK_BACKOFF_MAX_SECONDS", 3600), base * 2 ** max(0, attempt - 1))
    return delay / 2 + random.uniform(0, delay / 2)


def _claim(delivery_id: int) -> bool:
    now = timezone.now()
    connect, read = timeouts()
    return bool(
        WebhookDelivery.objects.filter(
            pk=delivery_id, state=DeliveryState.PENDING, next_attempt_at__lte=now, subscription__active=True
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + timedelta(seconds=connect + read + 60))
    )


def _post(delivery: WebhookDelivery) -> tuple[int | None, str]:
    sub = delivery.subscription
    body = delivery.body.encode()
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "qlvb-webhook/1",
        "X-Qlvb-Event": delivery.kind,
        "X-Qlvb-Delivery": str(delivery.pk),
        "X-Qlvb-Timestamp": stamp,
        "X-Qlvb-Signature": signature(secret_unseal(sub.secret_sealed), stamp, body),
    }
    try:
        with _session().post(
            sub.url, data=body, headers=headers, timeout=timeouts(), allow_redirects=False, stream=True
        ) as answer:
            read = 0
            for chunk in answer.iter_content(8192):  # read to the end (the connection is kept), not kept
                read += len(chunk)
                if read > 65536:  # a receiver that talks too much loses its connection
                    break
            code = answer.status_code
    except requests.Timeout:
        return None, "Hết thời gian chờ địa chỉ nhận trả lời (timeout)."
    except requests.RequestException as exc:
        return None, f"Không kết nối được địa chỉ nhận ({type(exc).__name__})."
    return code, "" if 200 <= code < 300 else f"Địa chỉ nhận trả lời mã HTTP {code}."


def _pause_after() -> int:
    return max(1, int(getattr(settings, "QLVB_WEBHOOK_PAUSE_AFTER", 20)))


def _auto_pause(sub: Subscription, streak: int) -> None:
    reason = f"Tự động tạm dừng sau {streak} lần gửi không thành công liên tiếp."
    paused = Subscription.objects.filter(pk=sub.pk, active=True).update(
        active=False, paused_at=timezone.now(), paused_reason=reason
    )
    if not paused:
        return
    system = sub.system
    audit.record(
        "integrations.webhook_auto_paused",
        obj=system,
        data={"subscription": sub.pk, "url": sub.url, "failures": streak},
    )
    notify_after_commit(
        users=[sub.created_by_id, system.created_by_id],
        kind=NotificationKind.SYSTEM,
        text=f"Hệ thống kết nối “{system.name}”: đã tạm dừng gửi sự kiện tới {sub.url[:200]}. {reason}"[:500],
    )


def _failed(delivery: WebhookDelivery, now: datetime, *, held: bool) -> float | None:
    """A failed attempt: retried after the back-off while tries are left (failed for good after the last);
    counted in the subscription's failures in a row, which pause it at ``QLVB_WEBHOOK_PAUSE_AFTER``."""
    sub = delivery.subscription
    delivery.tries_left = 0 if held else max(0, delivery.tries_left - 1)
    delay = None
    if delivery.tries_left == 0:
        delivery.state = DeliveryState.FAILED
    else:
        from .webhooks import max_attempts

        delay = backoff(max_attempts() - delivery.tries_left)
        delivery.next_attempt_at = now + timedelta(seconds=delay)
    if not held:
        Subscription.objects.filter(pk=sub.pk).update(failure_streak=F("failure_streak") + 1)
        streak = Subscription.objects.values_list("failure_streak", flat=True).get(pk=sub.pk)
        if streak >= _pause_after():
            _auto_pause(sub, streak)
    return delay


def _record(delivery: WebhookDelivery, code: int | None, error: str, started: float, *, held: bool) -> float | None:
    """Log the attempt and move the delivery on. ``delivery`` is claimed: nobody else writes it meanwhile."""
    now = timezone.now()
    delay = None
    with transaction.atomic():
        delivery.attempts += 1
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            at=now,
            status_code=code,
            error=error[:300],
            duration_ms=int((time.monotonic() - started) * 1000),
        )
        delivery.claimed_until = None
        delivery.last_status_code = code
        delivery.last_error = error[:300]
        if not error:
            delivery.state = DeliveryState.DELIVERED
            delivery.delivered_at = now
            if delivery.subscription.failure_streak:
                Subscription.objects.filter(pk=delivery.subscription_id).update(failure_streak=0)
        else:
            delay = _failed(delivery, now, held=held)
        delivery.save(
            update_fields=[
                "attempts",
                "claimed_until",
                "last_status_code",
                "last_error",
                "state",
                "delivered_at",
                "tries_left",
                "next_attempt_at",
            ]
        )
    return delay


def delivery_attempt(delivery_id: int) -> float | None:
    """One attempt of a due delivery; the seconds until its next attempt, or None (delivered, failed for
    good, not due, paused, or already being sent by another worker)."""
    if not _claim(delivery_id):
        return None
    delivery = WebhookDelivery.objects.select_related("subscription__system").get(pk=delivery_id)
    system = delivery.subscription.system
    started = time.monotonic()
    if system.revoked_at is not None or Scope.RECEIVE_EVENTS not in system.scopes:
        error = "Hệ thống kết nối đã bị thu hồi hoặc không còn quyền nhận sự kiện: không gửi."
        return _record(delivery, None, error, started, held=True)
    code, error = _post(delivery)
    return _record(delivery, code, error, started, held=False)


def deliveries_due(limit: int = 1000) -> list[int]:
    """Pending deliveries whose time has come and that nobody sends (a lost queue message, a resumed
    subscription): the beat job queues them again."""
    now = timezone.now()
    return list(
        WebhookDelivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now, subscription__active=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
