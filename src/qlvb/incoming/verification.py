"""Verification of the digital signatures on every PDF received (TT 41/2017; issue "Verification"):
queued after the attaching transaction commits, run by Celery with the signing app's verifier, the
report stored by the signing app under the file's SHA-256 and linked from the attachment. The clerk
sees the verdict on the document page before registering, may re-run it, and may reject the document
(``rejecting.py``). The check itself is ``signature_check.attachment_verify``, run by ``tasks.py``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from qlvb.core.errors import ValidationFailed
from qlvb.core.locks import row_locked
from qlvb.core.permissions import require
from qlvb.documents.models import Attachment, SignatureState
from qlvb.signing.models import SignatureReport

from . import policies
from .tasks import attachment_verify_task

if TYPE_CHECKING:
    from qlvb.directory.models import User


def _queue(attachment_ids: list[int]) -> None:
    if not attachment_ids:
        return

    def send() -> None:
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


@transaction.atomic
def attachment_verify_again(*, actor: User, attachment: Attachment) -> Attachment:
    """ "Kiểm tra lại": queue a new verification (revocation data and trust anchors may have changed).
    The earlier reports stay — each records what was known when it ran."""
    document = attachment.document
    require(actor, policies.VERIFY, unit=document.agency)
    attachment = row_locked(attachment, related=("stored_file__blob",))
    if attachment.stored_file.blob.kind != "pdf":
        raise ValidationFailed("Chỉ kiểm tra chữ ký số của tệp PDF.")
    attachment.signature_status = SignatureState.PENDING
    attachment.save(update_fields=["signature_status"])
    _queue([attachment.pk])
    return attachment


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
