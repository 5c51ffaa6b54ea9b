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
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from qlvb.assignments.models import NotificationKind
from qlvb.assignments.notify import notify_after_commit
from qlvb.core import audit

from .models import DeliveryState, Scope, Subscription, WebhookAttempt, WebhookDelivery
from .webhook_address import forbidden_in, guarded_session
from .webhook_secrets import secret_unseal

_local = threading.local()


def _session() -> requests.Session:
    """One keep-alive session per thread (a Celery worker's, a benchmark's); its connections never reach
    the server itself or the cloud's metadata service (``webhook_address``)."""
    session = getattr(_local, "session", None)
    if session is None:
        session = guarded_session()
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


def _post(delivery: WebhookDelivery, secret: str) -> tuple[int | None, str]:
    sub = delivery.subscription
    body = delivery.body.encode()
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "qlvb-webhook/1",
        "X-Qlvb-Event": delivery.kind,
        "X-Qlvb-Delivery": str(delivery.pk),
        "X-Qlvb-Timestamp": stamp,
        "X-Qlvb-Signature": signature(secret, stamp, body),
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
        forbidden = forbidden_in(exc)
        if forbidden is not None:
            return None, f"Không gửi: địa chỉ nhận {forbidden.host[:100]} trỏ tới {forbidden.reason}."
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
    """A failed attempt moves the delivery on: retried after the back-off while tries are left (failed for
    good after the last). Counted in the subscription's failures in a row by the caller."""
    delivery.tries_left = 0 if held else max(0, delivery.tries_left - 1)
    if delivery.tries_left == 0:
        delivery.state = DeliveryState.FAILED
        return None
    from .webhooks import max_attempts

    delay = backoff(max_attempts() - delivery.tries_left)
    delivery.next_attempt_at = now + timedelta(seconds=delay)
    return delay


@dataclass
class Sent:
    delivery: WebhookDelivery
    code: int | None
    error: str
    duration_ms: int
    held: bool = False


UPDATED = [
    "attempts",
    "claimed_until",
    "last_status_code",
    "last_error",
    "state",
    "delivered_at",
    "tries_left",
    "next_attempt_at",
]


def _record(sub: Subscription, sent: list[Sent]) -> float | None:
    """Log the attempts of one subscription's claimed deliveries and move each on, in one transaction (one
    INSERT of the attempts, one UPDATE of the deliveries); then the subscription's failures in a row, which
    pause it at ``QLVB_WEBHOOK_PAUSE_AFTER``. The seconds until the earliest retry, or None."""
    if not sent:
        return None
    now = timezone.now()
    delays: list[float] = []
    failures = 0  # counted failures since the last success of this batch (or since its start)
    succeeded = False
    with transaction.atomic():
        attempts = []
        for one in sent:
            delivery = one.delivery
            delivery.attempts += 1
            attempts.append(
                WebhookAttempt(
                    delivery=delivery,
                    number=delivery.attempts,
                    at=now,
                    status_code=one.code,
                    error=one.error[:300],
                    duration_ms=one.duration_ms,
                )
            )
            delivery.claimed_until = None
            delivery.last_status_code = one.code
            delivery.last_error = one.error[:300]
            if not one.error:
                delivery.state = DeliveryState.DELIVERED
                delivery.delivered_at = now
                succeeded, failures = True, 0
            else:
                delay = _failed(delivery, now, held=one.held)
                if delay is not None:
                    delays.append(delay)
                failures += not one.held
        WebhookAttempt.objects.bulk_create(attempts)
        WebhookDelivery.objects.bulk_update([one.delivery for one in sent], UPDATED)
        streak = None
        if succeeded:
            if sub.failure_streak or failures:
                Subscription.objects.filter(pk=sub.pk).update(failure_streak=failures)
            streak = failures
        elif failures:
            Subscription.objects.filter(pk=sub.pk).update(failure_streak=F("failure_streak") + failures)
            streak = Subscription.objects.values_list("failure_streak", flat=True).get(pk=sub.pk)
        if streak is not None and streak >= _pause_after():
            _auto_pause(sub, streak)
    return min(delays) if delays else None


def _claimed(candidates: QuerySet[WebhookDelivery], limit: int) -> list[int]:
    """Claim up to ``limit`` due deliveries (a lease: no lock is held while sending). On PostgreSQL one
    ``SELECT … FOR UPDATE SKIP LOCKED`` and one ``UPDATE``: two workers draining the same subscription take
    disjoint batches. Elsewhere (SQLite: one writer) each row is claimed by a conditional UPDATE."""
    now = timezone.now()
    connect, read = timeouts()
    lease = now + timedelta(seconds=limit * (connect + read) + 60)
    due = candidates.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now, subscription__active=True).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            ids = list(
                due.order_by("next_attempt_at", "pk")
                .select_for_update(skip_locked=True, of=("self",))
                .values_list("pk", flat=True)[:limit]
            )
            WebhookDelivery.objects.filter(pk__in=ids).update(claimed_until=lease)
        return ids
    ids = []
    for pk in due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit]:
        if due.filter(pk=pk).update(claimed_until=lease):
            ids.append(pk)
    return ids


def _send(ids: list[int]) -> float | None:
    """Send claimed deliveries (all of one subscription) one after the other on the thread's keep-alive
    session, the secret unsealed once; stop early when the failures in a row reach the pause (the rest
    are released for later)."""
    if not ids:
        return None
    deliveries = list(WebhookDelivery.objects.select_related("subscription__system").filter(pk__in=ids).order_by("pk"))
    sub = deliveries[0].subscription
    system = sub.system
    sent: list[Sent] = []
    if system.revoked_at is not None or Scope.RECEIVE_EVENTS not in system.scopes:
        error = "Hệ thống kết nối đã bị thu hồi hoặc không còn quyền nhận sự kiện: không gửi."
        return _record(sub, [Sent(d, None, error, 0, held=True) for d in deliveries])
    secret = secret_unseal(sub.secret_sealed)
    streak, pause = sub.failure_streak, _pause_after()
    for delivery in deliveries:
        if streak >= pause:
            break
        started = time.monotonic()
        code, error = _post(delivery, secret)
        sent.append(Sent(delivery, code, error, int((time.monotonic() - started) * 1000)))
        streak = streak + 1 if error else 0
    left = [d.pk for d in deliveries[len(sent) :]]
    if left:
        WebhookDelivery.objects.filter(pk__in=left).update(claimed_until=None)
    return _record(sub, sent)


def delivery_attempt(delivery_id: int) -> float | None:
    """One attempt of a due delivery; the seconds until its next attempt, or None (delivered, failed for
    good, not due, paused, or already being sent by another worker)."""
    return _send(_claimed(WebhookDelivery.objects.filter(pk=delivery_id), 1))


@dataclass
class Drained:
    sent: int
    retry_in: float | None  # seconds until the earliest retry of what was sent
    more: bool  # a full batch: there may be more due now


def subscription_drain(subscription_id: int, limit: int = 0) -> Drained:
    """One batch of a subscription's due deliveries (``QLVB_WEBHOOK_BATCH``, 100), sent on one kept-alive
    connection with one transaction of bookkeeping: what the Celery task ``webhook_drain`` repeats."""
    limit = limit or int(getattr(settings, "QLVB_WEBHOOK_BATCH", 100))
    ids = _claimed(WebhookDelivery.objects.filter(subscription_id=subscription_id), limit)
    return Drained(sent=len(ids), retry_in=_send(ids), more=len(ids) == limit)


def subscriptions_due() -> list[int]:
    """Subscriptions with pending deliveries whose time has come and that nobody sends (a lost queue
    message, a resumed subscription): the beat job queues their drain again."""
    now = timezone.now()
    return sorted(
        set(
            WebhookDelivery.objects.filter(
                state=DeliveryState.PENDING, next_attempt_at__lte=now, subscription__active=True
            )
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .values_list("subscription_id", flat=True)
            .distinct()
        )
    )
