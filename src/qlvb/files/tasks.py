"""Celery tasks of the files app."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import DatabaseError

from .models import StoredFile
from .storage import StorageUnavailable
from .texts import file_text_extract
from .uploads import upload_temp_sweep

log = logging.getLogger(__name__)


@shared_task(name="qlvb.files.upload_temp_sweep")
def upload_temp_sweep_task() -> int:
    """Every 15 minutes (``CELERY_BEAT_SCHEDULE["files-upload-temp-sweep"]``): stale upload temp files."""
    return upload_temp_sweep()


@shared_task(name="qlvb.files.orphans_sweep")
def orphans_sweep_task() -> dict[str, int]:
    """Daily (``CELERY_BEAT_SCHEDULE["files-orphans-sweep"]``): stored contents no row refers to, older than
    ``QLVB_ORPHAN_GRACE_HOURS`` — removed when ``QLVB_ORPHAN_SWEEP_DELETE`` is on, otherwise only counted."""
    from django.conf import settings

    from .orphans import orphans_sweep

    sweep = orphans_sweep(delete=bool(settings.QLVB_ORPHAN_SWEEP_DELETE))
    if sweep.found and not settings.QLVB_ORPHAN_SWEEP_DELETE:
        log.warning("%d stored contents have no row (qlvb files_orphans lists them)", len(sweep.found))
    return {"found": len(sweep.found), "removed": sweep.removed, "kept": sweep.kept}


@shared_task(
    name="qlvb.files.file_text_extract",  # routed to the "ocr" queue (settings.CELERY_TASK_ROUTES)
    autoretry_for=(DatabaseError, OSError, StorageUnavailable),
    retry_backoff=30,
    max_retries=3,
)
def file_text_extract_task(file_id: int, force: bool = False) -> str:
    """The text of one stored file (``texts.file_text_extract``); a file gone since is skipped. A file
    whose text cannot be had ends *failed* with its reason; a database, disk or object store hiccup is retried."""
    stored = StoredFile.objects.select_related("blob", "uploaded_by").filter(pk=file_id).first()
    if stored is None:
        return "missing"
    return file_text_extract(stored, force=force).state
