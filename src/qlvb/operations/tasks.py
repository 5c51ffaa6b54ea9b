"""Celery tasks of operations: thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from .backup import backup_dir
from .backup_retention import backups_prune
from .backup_runs import backup_run
from .migration import migration_check_run, migration_import
from .personal_export import personal_export_build, personal_exports_expire


@shared_task(name="qlvb.operations.backup_daily")
def backup_daily() -> str:
    """Beat's daily backup (``QLVB_BACKUP_DIR``), verified and logged (``backup-runs.jsonl``), then the
    retention policy (``QLVB_BACKUP_KEEP``)."""
    run = backup_run(passphrase=settings.QLVB_BACKUP_PASSPHRASE or None, trigger="daily")
    removed = backups_prune(backup_dir(), settings.QLVB_BACKUP_KEEP)
    return f"{run.name}: {run.files} tệp, {run.bytes} byte; xóa {len(removed)} bản cũ"


@shared_task(name="qlvb.operations.backup_now", ignore_result=True)
def backup_now_task(username: str) -> str:
    """ "Sao lưu ngay" on /quan-tri/sao-luu/ (queued after the request commits): one verified backup, logged."""
    run = backup_run(passphrase=settings.QLVB_BACKUP_PASSPHRASE or None, trigger="now", by=username)
    return f"{run.name}: {run.files} tệp, {run.bytes} byte"


@shared_task(name="qlvb.operations.personal_export_build", ignore_result=True)
def personal_export_build_task(export_id: int) -> str:
    """Build an approved personal data export (queued after the approval commits)."""
    return personal_export_build(export_id).state


@shared_task(name="qlvb.operations.personal_exports_expire")
def personal_exports_expire_task() -> str:
    """Beat's daily job: delete the personal data exports older than their 7 days."""
    return f"{personal_exports_expire()} tệp dữ liệu cá nhân hết hạn đã xóa"


@shared_task(name="qlvb.operations.migration_check", ignore_result=True)
def migration_check_task(run_id: int) -> str:
    """The dry run of an uploaded migration bundle (queued after the upload commits); idempotent."""
    run = migration_check_run(run_id)
    return run.state if run is not None else ""


@shared_task(name="qlvb.operations.migration_import", ignore_result=True)
def migration_import_task(run_id: int) -> str:
    """Import a confirmed migration bundle (queued after the confirmation commits); idempotent."""
    return migration_import(run_id).state
