"""What every step of the outgoing flow reads about a draft: its latest version and current step, its
metadata snapshot, who may change it now; the file bytes the steps share. (The row lock, the text rule
and the page count are the shared ones: ``core.locks.row_locked``, ``core.text.text_clean``,
``files.pdfinfo.pdf_page_count``.)"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from typing import Any

from qlvb.core.errors import PermissionDenied
from qlvb.core.statements import KeptStatement
from qlvb.directory.models import Unit, User
from qlvb.directory.selectors import agency_of
from qlvb.files.intake import file_intake
from qlvb.files.models import Channel as FileChannel
from qlvb.files.models import Conversion, StoredFile
from qlvb.files.storage import open_verified

from .models import (
    ApprovalStep,
    DraftVersion,
    Outgoing,
    StepStatus,
    VersionKind,
)


def _agency_of(actor: User) -> Unit:
    """The drafter's agency (``directory.selectors.agency_of``); a person of no unit drafts nothing."""
    agency = agency_of(actor)
    if agency is None:
        raise PermissionDenied("Tài khoản chưa thuộc đơn vị nào nên không soạn được văn bản đi.")
    return agency


def _stored_bytes(stored: StoredFile) -> bytes:
    with open_verified(stored.blob.sha256, size=stored.blob.size, name=stored.name) as handle:
        return handle.read()


def _intake_bytes(*, actor: User, data: bytes, name: str) -> StoredFile:
    return file_intake(
        actor=actor, stream=io.BytesIO(data), original_name=name, channel=FileChannel.SYSTEM, declared_size=len(data)
    )


def latest_version(outgoing: Outgoing, kind: str = VersionKind.MAIN) -> DraftVersion | None:
    return outgoing.versions.filter(kind=kind).order_by("-ordinal").first()


# The step a draft waits for: asked by most buttons' preconditions (seven times for a reviewer's page), and by
# the services, so kept compiled (core/statements.py); in the steps' order (outgoing, round, ordinal) as .first().
_CURRENT_STEP: KeptStatement[ApprovalStep] = KeptStatement(
    "outgoing.current_step",
    lambda outgoing, round: ApprovalStep.objects.filter(
        outgoing_id=outgoing, round=round, status=StepStatus.PENDING
    ).select_related("user")[:1],
    outgoing=int,
    round=int,
)


def current_step(outgoing: Outgoing) -> ApprovalStep | None:
    memo = outgoing.__dict__.get(_MEMO)
    if memo is not None and memo[0] == outgoing.round:
        return memo[1]  # asked again while :func:`current_step_kept` holds it
    return _CURRENT_STEP.first(via=outgoing, outgoing=outgoing.pk, round=outgoing.round)


_MEMO = "_qlvb_current_step"


@contextlib.contextmanager
def current_step_kept(outgoing: Outgoing) -> Iterator[None]:
    """Within the block, :func:`current_step` of ``outgoing`` is read once: the page asks each button's
    precondition (``actions.can_act``), seven of which ask the step, and none changes it."""
    outgoing.__dict__[_MEMO] = (
        outgoing.round,
        _CURRENT_STEP.first(via=outgoing, outgoing=outgoing.pk, round=outgoing.round),
    )
    try:
        yield
    finally:
        outgoing.__dict__.pop(_MEMO, None)


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


def version_conversion(version: DraftVersion) -> Conversion | None:
    try:
        return version.stored_file.conversion  # select_related("stored_file__conversion") saves the query
    except Conversion.DoesNotExist:
        return None
