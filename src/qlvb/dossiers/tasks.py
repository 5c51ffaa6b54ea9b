"""Celery tasks of the dossiers flow (thin wrappers around services)."""

from __future__ import annotations

from celery import shared_task

from .archive import transfer_reminders_send, unfiled_reminders_send


@shared_task(name="qlvb.dossiers.archive_reminders")
def archive_reminders_task() -> dict[str, int]:
    """Daily (``CELERY_BEAT_SCHEDULE["dossiers-archive-reminders"]``): transfer deadlines 30 days ahead, and on
    a quarter's last day the "chưa lập hồ sơ" reminder."""
    return {"transfer_due": transfer_reminders_send(), "unfiled": unfiled_reminders_send()}
