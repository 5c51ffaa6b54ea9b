"""Running the verification of one received PDF's signatures (the Celery task ``tasks.attachment_verify_task``
calls it): the signing app's verifier, its report stored under the file's SHA-256 and linked from the
attachment, a ``signature_checked`` event on the document. Scheduling it is ``verification.py``'s.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from qlvb.core.locks import row_locked
from qlvb.documents.events import event_record
from qlvb.documents.models import Attachment, SignatureState
from qlvb.files.storage import open_verified
from qlvb.signing.models import SignatureReport, Verdict
from qlvb.signing.reports import signature_report_run

log = logging.getLogger(__name__)


def _state(report: SignatureReport, attachment: Attachment) -> str:
    if report.verdict == Verdict.VALID:
        return SignatureState.VALID
    if report.verdict == Verdict.UNKNOWN:
        return SignatureState.UNKNOWN
    # No signature in a PDF that reads fine is "chưa ký số" (a scan of a paper document is expected to be
    # unsigned); a damaged file, with no signature either, stays "không hợp lệ" with its reason.
    if report.signature_count == 0 and attachment.page_count is not None:
        return SignatureState.UNSIGNED
    return SignatureState.INVALID


def attachment_verify(attachment_id: int) -> str:
    """Verify one attachment now (the Celery task calls this). Returns the new state."""
    attachment = Attachment.objects.select_related("stored_file__blob", "document").filter(pk=attachment_id).first()
    if attachment is None:
        return ""
    blob = attachment.stored_file.blob
    try:
        with open_verified(blob.sha256, size=blob.size, name=attachment.name) as handle:
            data = handle.read()
        report: SignatureReport | None = signature_report_run(data=data, file_sha256=blob.sha256)
    except Exception:  # a missing or corrupted stored content: say so, do not retry forever
        log.exception("cannot verify attachment %s", attachment_id)
        report = None
    with transaction.atomic():
        attachment = row_locked(attachment, related=("document",))
        state = _state(report, attachment) if report is not None else SignatureState.ERROR
        attachment.signature_status = state
        attachment.signature_report_id = report.pk if report is not None else None
        attachment.signature_checked_at = timezone.now()
        attachment.save(update_fields=["signature_status", "signature_report_id", "signature_checked_at"])
        summary = report.summary if report is not None else "Không đọc được tệp đã lưu."
        event_record(
            attachment.document,
            actor=None,
            action="signature_checked",
            text=f"{attachment.name}: {SignatureState(state).label.lower()}. {summary}"[:2000],
            data={"attachment": attachment.pk, "state": state, "report": report.pk if report is not None else None},
        )
    return state
