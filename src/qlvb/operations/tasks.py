"""Celery tasks of operations: thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from .backup import backup_create, backup_dir
from .backup_retention import backups_prune
from .personal_export import personal_export_build, personal_exports_expire


@shared_task(name="qlvb.operations.backup_daily")
def backup_daily() -> str:
    """Beat's daily backup (``QLVB_BACKUP_DIR``), then the retention policy (``QLVB_BACKUP_KEEP``)."""
    result = backup_create(passphrase=settings.QLVB_BACKUP_PASSPHRASE or None)
    removed = backups_prune(backup_dir(), settings.QLVB_BACKUP_KEEP)
    return f"{result.path.name}: {result.files} tệp, {result.bytes} byte; xóa {len(removed)} bản cũ"


@shared_task(name="qlvb.operations.personal_export_build", ignore_result=True)
def personal_export_build_task(export_id: int) -> str:
    """Build an approved personal data export (queued after the approval commits)."""
    return personal_export_build(export_id).state


@shared_task(name="qlvb.operations.personal_exports_expire")
def personal_exports_expire_task() -> str:
    """Beat's daily job: delete the personal data exports older than their 7 days."""
    return f"{personal_exports_expire()} tệp dữ liệu cá nhân hết hạn đã xóa"
