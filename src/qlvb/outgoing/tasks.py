"""Celery tasks of the outgoing flow (thin wrappers around services)."""

from __future__ import annotations

from celery import shared_task

from .followup import followup_sweep


@shared_task(name="qlvb.outgoing.followup_sweep")
def followup_sweep_task() -> dict[str, int]:
    """Daily (``CELERY_BEAT_SCHEDULE["outgoing-followup"]``): reply due dates and consultation deadlines."""
    return followup_sweep()


@shared_task(name="qlvb.outgoing.version_convert")
def version_convert_task(version_id: int) -> str:
    """After a draft version's commit: its PDF, made by LibreOffice here and never in the web request."""
    from .services import version_convert

    return "done" if version_convert(version_id=version_id).pdf_id else "failed"
