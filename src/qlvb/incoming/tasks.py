"""Celery tasks of the incoming flow (thin wrappers around services)."""

from __future__ import annotations

from celery import shared_task

from .followup import deadlines_sweep
from .signature_check import attachment_verify


@shared_task(name="qlvb.incoming.deadlines_sweep")
def deadlines_sweep_task() -> dict[str, int]:
    """Daily (``CELERY_BEAT_SCHEDULE["incoming-deadlines"]``): notify overdue and due-soon assignments once."""
    return deadlines_sweep()


@shared_task(name="qlvb.incoming.attachment_verify")
def attachment_verify_task(attachment_id: int) -> str:
    """Verify the signatures of one received PDF (queued after the receiving transaction commits)."""
    return attachment_verify(attachment_id)
