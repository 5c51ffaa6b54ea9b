"""From stored notifications to pushes on every device of their people, and what the answers change:
a delivered device's failures reset, a gone one (404/410) removed, a failing one retried later with
exponential backoff (``QLVB_PUSH_RETRIES`` times), after which it is left for the next push."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from qlvb.assignments.models import Notification
from qlvb.core import audit

from .delivery import Outcome, Result, Send, Sender
from .messages import held_until, push_kind, push_of
from .models import HeldPush, PushPreference, PushSubscription
from .subscriptions import push_service_of
from .vapid import vapid_key

BACKOFF_SECONDS = 30  # 30 s, 60 s, 2 min, 4 min, 8 min ...


@dataclass
class FanoutReport:
    sent: int = 0
    gone: int = 0
    refused: int = 0
    retry: list[Send] = field(default_factory=list)
    retry_after: dict[int, float] = field(default_factory=dict)


@dataclass
class Plan:
    """What the fan-out of some notifications does: the sends now, and the pushes held for quiet hours."""

    sends: list[Send] = field(default_factory=list)
    held: list[HeldPush] = field(default_factory=list)


def push_plan(notification_ids: Iterable[int], *, now: Any = None) -> Plan:
    """Every (device, payload) the notifications give, after each person's settings and visibility; a
    notification that comes in the person's quiet hours (not khẩn or above) is held instead (unsaved
    ``HeldPush`` rows: ``held_pushes_keep`` stores them)."""
    notifications = list(
        Notification.objects.filter(pk__in=list(notification_ids)).select_related("user", "document").order_by("pk")
    )
    users = {n.user_id for n in notifications}
    devices: dict[int, list[PushSubscription]] = defaultdict(list)
    for sub in PushSubscription.objects.filter(user_id__in=users).order_by("pk"):
        devices[sub.user_id].append(sub)
    plan = Plan()
    if not devices:
        return plan
    preferences = {p.user_id: p for p in PushPreference.objects.filter(user_id__in=devices)}
    now = now or timezone.now()
    for notification in notifications:
        if notification.user_id not in devices:
            continue
        preference = preferences.get(notification.user_id) or PushPreference(user_id=notification.user_id)
        kind = push_kind(notification)
        if kind in (preference.kinds_off or []):
            continue
        release_at = held_until(notification, preference, now=now)
        if release_at is not None:
            plan.held.append(
                HeldPush(
                    user_id=notification.user_id,
                    notification_id=notification.pk,
                    kind=kind,
                    held_at=now,
                    release_at=release_at,
                )
            )
            continue
        push = push_of(notification, preference)
        if push is None:
            continue
        plan.sends.extend(
            Send(s.pk, s.endpoint, s.p256dh, s.auth, push.payload, push.urgency, settings.QLVB_PUSH_TTL)
            for s in devices[notification.user_id]
        )
    return plan


def sends_for(notification_ids: Iterable[int]) -> list[Send]:
    """The sends of ``push_plan`` (what is held is not stored)."""
    return push_plan(notification_ids).sends


def held_pushes_keep(held: list[HeldPush]) -> int:
    """Store the held pushes (a notification held twice — a task run again — is kept once)."""
    if held:
        HeldPush.objects.bulk_create(held, batch_size=500, ignore_conflicts=True)
    return len(held)


def results_apply(results: list[Result]) -> FanoutReport:
    report = FanoutReport()
    now = timezone.now()
    sent = [r.send.subscription_id for r in results if r.outcome == Outcome.SENT]
    failed = [r.send.subscription_id for r in results if r.outcome in (Outcome.RETRY, Outcome.REFUSED)]
    gone = [r.send.subscription_id for r in results if r.outcome == Outcome.GONE]
    report.sent, report.gone = len(sent), len(set(gone))
    report.refused = sum(1 for r in results if r.outcome == Outcome.REFUSED)
    for r in results:
        if r.outcome == Outcome.RETRY:
            report.retry.append(r.send)
            if r.retry_after:
                report.retry_after[r.send.subscription_id] = r.retry_after
    with transaction.atomic():
        for chunk in _chunks(sent):
            PushSubscription.objects.filter(pk__in=chunk).update(last_sent_at=now, failures=0)
        for chunk in _chunks(failed):
            PushSubscription.objects.filter(pk__in=chunk).update(failures=F("failures") + 1)
        for sub in PushSubscription.objects.filter(pk__in=set(gone)).select_related("user"):
            audit.record("push.expired", actor=None, obj=sub, data={"push_service": push_service_of(sub.endpoint)})
            sub.delete()
    return report


def _chunks(ids: list[int], size: int = 900) -> Iterable[list[int]]:  # SQLite: at most 999 parameters
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def push_send(sends: list[Send], *, workers: int | None = None) -> FanoutReport:
    """Send now, apply the answers; what must be retried is in the report (the task schedules it)."""
    if not sends:
        return FanoutReport()
    sender = Sender(vapid_key(), workers=workers)
    try:
        results = sender.send_all(sends)
    finally:
        sender.close()
    return results_apply(results)


def backoff(attempt: int, retry_after: float | None = None) -> float:
    return max(BACKOFF_SECONDS * 2 ** (attempt - 1), retry_after or 0)
