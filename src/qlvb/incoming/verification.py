"""Verification of the digital signatures on every PDF received (TT 41/2017; issue "Verification"):
queued after the attaching transaction commits, run by Celery with the signing app's verifier, the
report stored by the signing app under the file's SHA-256 and linked from the attachment. The clerk
sees the verdict on the document page before registering, may re-run it, and may reject the document.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from qlvb.core.errors import Conflict, ValidationFailed
from qlvb.core.locks import row_locked
from qlvb.core.permissions import require
from qlvb.documents.events import event_record
from qlvb.documents.models import Attachment, Document, DocumentStatus, SignatureState
from qlvb.files.storage import open_verified
from qlvb.signing.models import SignatureReport, Verdict
from qlvb.signing.reports import signature_report_run

log = logging.getLogger(__name__)

# Statuses in which the clerk may still refuse the document: before it reaches a leader.
REJECTABLE = (DocumentStatus.RECEIVED, DocumentStatus.REGISTERED)


def _queue(attachment_ids: list[int]) -> None:
    if not attachment_ids:
        return

    def send() -> None:
        from .tasks import attachment_verify_task

        for pk in attachment_ids:
            attachment_verify_task.delay(pk)

    transaction.on_commit(send)


def verification_schedule(attachments: list[Attachment]) -> None:
    """Mark the PDFs among ``attachments`` "đang kiểm tra" and queue their verification after commit
    (in the caller's transaction: a rolled-back receipt verifies nothing)."""
    pdfs = [a for a in attachments if a.stored_file.blob.kind == "pdf"]
    for a in pdfs:
        a.signature_status = SignatureState.PENDING
        a.save(update_fields=["signature_status"])
    _queue([a.pk for a in pdfs])


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


@transaction.atomic
def attachment_verify_again(*, actor: Any, attachment: Attachment) -> Attachment:
    """ "Kiểm tra lại": queue a new verification (revocation data and trust anchors may have changed).
    The earlier reports stay — each records what was known when it ran."""
    document = attachment.document
    require(actor, "incoming.verify", unit=document.agency)
    attachment = row_locked(attachment, related=("stored_file__blob",))
    if attachment.stored_file.blob.kind != "pdf":
        raise ValidationFailed("Chỉ kiểm tra chữ ký số của tệp PDF.")
    attachment.signature_status = SignatureState.PENDING
    attachment.save(update_fields=["signature_status"])
    _queue([attachment.pk])
    return attachment


@transaction.atomic
def incoming_reject(*, actor: Any, document: Document, reason: str) -> Document:
    """The clerk refuses a received document with a reason (an invalid signature, a wrong recipient, a
    file that cannot be read…) — NĐ 30 Điều 21; the ``rejected`` event is edXML status 02 for the sender.
    Allowed until the document is submitted to a leader."""
    require(actor, "incoming.reject", unit=document.agency)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Cần ghi lý do từ chối tiếp nhận.", details={"field": "reason"})
    if len(reason) > 2000:
        raise ValidationFailed("Lý do dài quá 2000 ký tự.", details={"field": "reason"})
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.status not in REJECTABLE:
        raise Conflict("Chỉ từ chối được văn bản chưa trình lãnh đạo.")
    document.status = DocumentStatus.REJECTED
    document.save(update_fields=["status"])
    event_record(
        document,
        actor=actor,
        action="rejected",
        text=reason,
        data={"edxml_status": "02", "arrival_number": document.arrival_number},
    )
    return document


# --- Reading the reports for the pages and the API -----------------------------------------------------------------


@dataclass
class FileVerdict:
    state: str
    label: str
    css: str
    reasons: list[str] = field(default_factory=list)
    signatures: list[dict[str, Any]] = field(default_factory=list)
    checked_at: Any = None
    report_id: int | None = None
    earlier: int = 0


CSS = {
    SignatureState.PENDING: "text-bg-light border",
    SignatureState.VALID: "text-bg-success",
    SignatureState.INVALID: "text-bg-danger",
    SignatureState.UNKNOWN: "text-bg-warning",
    SignatureState.UNSIGNED: "text-bg-secondary",
    SignatureState.ERROR: "text-bg-warning",
}


def _vn_time(value: str | None) -> str:
    """An ISO time of a report as dd/mm/yyyy HH:MM:SS (Asia/Ho_Chi_Minh)."""
    if not value:
        return ""
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{moment:%d/%m/%Y %H:%M:%S}"


def verdicts_for(attachments: list[Attachment]) -> dict[int, FileVerdict]:
    """The verdict shown for each checked attachment (one query for the reports)."""
    ids = [a.signature_report_id for a in attachments if a.signature_report_id]
    reports = {r.pk: r for r in SignatureReport.objects.filter(pk__in=ids)}
    shas = [a.stored_file.blob.sha256 for a in attachments if a.signature_status]
    counts: dict[str, int] = {}
    for sha in SignatureReport.objects.filter(file_sha256__in=shas).values_list("file_sha256", flat=True):
        counts[sha] = counts.get(sha, 0) + 1
    out: dict[int, FileVerdict] = {}
    for a in attachments:
        if not a.signature_status:
            continue
        state = SignatureState(a.signature_status)
        verdict = FileVerdict(
            state=state,
            label=str(state.label),
            css=CSS.get(state, "text-bg-light"),
            checked_at=a.signature_checked_at,
            report_id=a.signature_report_id,
        )
        report = reports.get(a.signature_report_id or 0)
        if report is not None and state != SignatureState.PENDING:
            data = report.report or {}
            verdict.reasons = list(data.get("reasons", []))
            verdict.signatures = [
                {**sig, "claimed": _vn_time(sig.get("claimed_time")), "stamped": _vn_time(sig.get("timestamp_time"))}
                for sig in data.get("signatures", [])
            ]
            verdict.earlier = max(0, counts.get(a.stored_file.blob.sha256, 0) - 1)
        out[a.pk] = verdict
    return out
