"""Old webhook deliveries go: a delivery that is over (delivered, or failed for good) is deleted with its
attempts' log ``QLVB_WEBHOOK_KEEP_DAYS`` (90) days after it was made, by a daily beat job, in batches
(a province's 200,000 deliveries a day never make one long transaction). Pending deliveries (retries, a
paused subscription's held ones) are never purged: they are not over.

The row of a delivery was also what kept an event from going twice to a subscription (unique
``(subscription, event_key)``: a consumer run again finds it and sends nothing). Once purged, that key is
gone, so the consumer refuses events older than the same period (:func:`event_too_old`): a delivery is made
after its event, hence purged after the event has passed that age, and an event replayed from an old queue
finds either its row or the age limit, never neither. ``QLVB_WEBHOOK_KEEP_DAYS=0`` keeps every delivery
(and every event may be sent)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import DeliveryState, WebhookDelivery

logger = logging.getLogger(__name__)

BATCH = 5000


def keep_days() -> int:
    return max(0, int(getattr(settings, "QLVB_WEBHOOK_KEEP_DAYS", 90)))


def _limit(now: dt.datetime | None = None) -> dt.datetime | None:
    days = keep_days()
    return None if days == 0 else (now or timezone.now()) - dt.timedelta(days=days)


def event_too_old(at: dt.datetime, now: dt.datetime | None = None) -> bool:
    """An event older than the deliveries' keeping period is not sent (its deliveries may be purged)."""
    limit = _limit(now)
    return limit is not None and at < limit


def deliveries_purge(*, now: dt.datetime | None = None, batch: int = BATCH) -> int:
    """Delete the deliveries over for longer than the keeping period and their attempts, ``batch`` at a
    time, each batch its own transaction; the number of deliveries deleted."""
    limit = _limit(now)
    if limit is None:
        return 0
    old = WebhookDelivery.objects.filter(
        state__in=[DeliveryState.DELIVERED, DeliveryState.FAILED], created_at__lt=limit
    ).order_by("pk")
    deleted = 0
    while True:
        ids = list(old.values_list("pk", flat=True)[:batch])
        if not ids:
            break
        with transaction.atomic():  # the attempts go with their delivery (one DELETE each, no row read)
            _, by_model = WebhookDelivery.objects.filter(pk__in=ids).delete()
        deleted += by_model.get(WebhookDelivery._meta.label, 0)
    if deleted:
        logger.info("webhook deliveries purged: %d older than %s", deleted, limit.isoformat())
    return deleted
