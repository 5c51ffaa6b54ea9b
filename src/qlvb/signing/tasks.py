"""Celery tasks of the signing app (thin wrappers around services)."""

from __future__ import annotations

from celery import shared_task

from .reports import signature_report_run


@shared_task(name="qlvb.signing.verify_stored_file")
def verify_stored_file_task(file_sha256: str) -> dict[str, str | int]:
    """Verify the signatures of a stored file (the files app keeps contents by SHA-256) in the
    background — the incoming flow queues it after upload via ``transaction.on_commit``."""
    from qlvb.files.storage import open_verified

    with open_verified(file_sha256) as fh:
        data = fh.read()
    report = signature_report_run(data=data, file_sha256=file_sha256)
    return {"report_id": report.pk, "verdict": report.verdict}
