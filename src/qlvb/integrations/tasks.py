from __future__ import annotations

from celery import shared_task

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


@shared_task(name="qlvb.integrations.webhooks_due", ignore_result=True)
def webhooks_due() -> int:
    """Beat job: queue again the due deliveries nobody sends (a lost message, a resumed subscription)."""
    from .webhook_sending import deliveries_due

    due = deliveries_due()
    for pk in due:
        webhook_deliver.delay(pk)
    return len(due)
