from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

MAX_WAITS = 90  # every 10 s: a quarter of an hour for LibreOffice


@shared_task(bind=True, name="qlvb.integrations.submission_advance", max_retries=MAX_WAITS)
def submission_advance_task(self, submission_id: int) -> str:  # type: ignore[no-untyped-def]
    """Put a submitted draft to review once its PDF conversions ended (retried every 10 s meanwhile); after
    the last wait the reason is kept for the system to read (``submit_error``)."""
    from .drafts import submission_advance, submission_wait_ended

    outcome = submission_advance(submission_id=submission_id)
    if outcome == "wait":
        if self.request.retries >= MAX_WAITS:
            submission_wait_ended(submission_id=submission_id)
            return "failed"
        raise self.retry(countdown=10)
    return outcome


@shared_task(name="qlvb.integrations.webhook_deliver", ignore_result=True)
def webhook_deliver(delivery_id: int) -> None:
    """One attempt; a retry is queued with the back-off's countdown (in eager mode it runs at once)."""
    from .webhook_sending import delivery_attempt

    delay = delivery_attempt(delivery_id)
    if delay is not None:
        webhook_deliver.apply_async((delivery_id,), countdown=delay)


DRAIN_BATCHES = 20  # then the task queues itself again: other subscriptions' drains get their turn


def drain_mark(subscription_id: int) -> str:
    return f"integrations-webhook-drain:{subscription_id}"


def webhook_drain_queue(subscription_id: int) -> None:
    """Queue a drain of the subscription unless one is already waiting in the queue (a mark in the shared
    cache, taken off when the drain starts): 10,000 events of one subscription make one message, not
    10,000. A mark lost or not shared (one cache per process) only costs a message more; the beat job
    ``webhooks_due`` queues any drain that went missing."""
    if not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False) and not cache.add(
        drain_mark(subscription_id), 1, timeout=600
    ):
        return
    webhook_drain.delay(subscription_id)


@shared_task(name="qlvb.integrations.webhook_drain", ignore_result=True)
def webhook_drain(subscription_id: int) -> None:
    """Send a subscription's due deliveries in batches (one connection, one transaction of bookkeeping per
    batch); the retries' drain is queued with the earliest back-off's countdown."""
    from .webhook_sending import subscription_drain

    cache.delete(drain_mark(subscription_id))  # what is recorded from now on queues a drain of its own
    for _ in range(DRAIN_BATCHES):
        drained = subscription_drain(subscription_id)
        if drained.retry_in is not None:
            webhook_drain.apply_async((subscription_id,), countdown=drained.retry_in)
        if not drained.more:
            return
    webhook_drain_queue(subscription_id)


@shared_task(name="qlvb.integrations.webhooks_due", ignore_result=True)
def webhooks_due() -> int:
    """Beat job: queue again the drain of every subscription with due deliveries nobody sends (a lost
    message, a resumed subscription)."""
    from .webhook_sending import subscriptions_due

    due = subscriptions_due()
    for pk in due:
        webhook_drain.delay(pk)
    return len(due)


@shared_task(name="qlvb.integrations.webhooks_purge", ignore_result=True)
def webhooks_purge() -> int:
    """Beat job (daily): delete the deliveries over for longer than ``QLVB_WEBHOOK_KEEP_DAYS``."""
    from .webhook_purge import deliveries_purge

    return deliveries_purge()


@shared_task(name="qlvb.integrations.nonces_sweep", ignore_result=True)
def nonces_sweep() -> int:
    """Beat job (hourly): delete the expired nonces kept in the database (``nonces.py``)."""
    from .nonces import nonces_sweep as sweep

    return sweep()
