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
