"""Celery tasks of the files app."""

from __future__ import annotations

from celery import shared_task

from .uploads import upload_temp_sweep


@shared_task(name="qlvb.files.upload_temp_sweep")
def upload_temp_sweep_task() -> int:
    """Every 15 minutes (``CELERY_BEAT_SCHEDULE["files-upload-temp-sweep"]``): stale upload temp files."""
    return upload_temp_sweep()
