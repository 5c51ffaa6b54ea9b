"""Celery tasks of the incoming flow (thin wrappers around services)."""

from __future__ import annotations

from celery import shared_task

from .followup import deadlines_sweep


@shared_task(name="qlvb.incoming.deadlines_sweep")
def deadlines_sweep_task() -> dict[str, int]:
    """Daily (``CELERY_BEAT_SCHEDULE["incoming-deadlines"]``): notify overdue and due-soon assignments once."""
    return deadlines_sweep()
