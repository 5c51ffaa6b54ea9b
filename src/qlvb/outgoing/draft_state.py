"""What every step of the outgoing flow reads about a draft: its latest version and current step, its
metadata snapshot, who may change it now; the file bytes the steps share. (The row lock, the text rule
and the page count are the shared ones: ``core.locks.row_locked``, ``core.text.text_clean``,
``files.pdfinfo.pdf_page_count``.)"""

from __future__ import annotations

import io
from typing import Any

from qlvb.core.errors import Conflict, PermissionDenied
from qlvb.core.permissions import has
from qlvb.files.intake import file_intake
from qlvb.files.models import Channel as FileChannel
from qlvb.files.models import Conversion, StoredFile
from qlvb.files.storage import open_verified

from .models import (
    EDITABLE_STATES,
    ApprovalStep,
    DraftVersion,
    Outgoing,
    StepKind,
    StepStatus,
    VersionKind,
)


def _stored_bytes(stored: StoredFile) -> bytes:
    with open_verified(stored.blob.sha256, size=stored.blob.size, name=stored.name) as handle:
        return handle.read()


def _intake_bytes(*, actor: Any, data: bytes, name: str) -> StoredFile:
    return file_intake(
        actor=actor, stream=io.BytesIO(data), original_name=name, channel=FileChannel.SYSTEM, declared_size=len(data)
    )


def latest_version(outgoing: Outgoing, kind: str = VersionKind.MAIN) -> DraftVersion | None:
    return outgoing.versions.filter(kind=kind).order_by("-ordinal").first()


def current_step(outgoing: Outgoing) -> ApprovalStep | None:
    return outgoing.steps.filter(round=outgoing.round, status=StepStatus.PENDING).select_related("user").first()


def _metadata(outgoing: Outgoing) -> dict[str, Any]:
    d = outgoing.document
    return {
        "doc_type": d.doc_type.name,
        "subject": d.subject,
        "urgency": d.urgency,
        "due_date": d.due_date.isoformat() if d.due_date else None,
        "signer": outgoing.signer.full_name,
        "competence": outgoing.competence,
        "signer_position": d.signer_position,
        "recipients": sorted(r.unit.name for r in outgoing.recipients.select_related("unit")),
        "free_recipients": outgoing.free_recipients,
        "paper_recipients": outgoing.paper_recipients,
        "drafter_initials": outgoing.drafter_initials,
        "copy_count": outgoing.copy_count,
        "answers": outgoing.answers_id,
        "description": d.description,
    }


def _may_change(actor: Any, outgoing: Outgoing) -> None:
    if outgoing.state not in EDITABLE_STATES:
        raise Conflict(
            f"Văn bản đang ở trạng thái “{outgoing.get_state_display()}”, không sửa được nữa "
            "(đã ký thì chỉ có thể thay thế bằng văn bản khác)."
        )
    if actor.pk == outgoing.drafter_id:
        return
    step = current_step(outgoing)
    if step is not None and (
        step.user_id == actor.pk
        or (step.kind == StepKind.FORMAT and has(actor, "outgoing.format_check", unit=outgoing.document.agency))
    ):
        return
    raise PermissionDenied("Chỉ người soạn thảo hoặc người đang duyệt mới sửa được dự thảo.")


def version_conversion(version: DraftVersion) -> Conversion | None:
    try:
        return version.stored_file.conversion  # select_related("stored_file__conversion") saves the query
    except Conversion.DoesNotExist:
        return None
