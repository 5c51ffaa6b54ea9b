"""Drafts a system submits on behalf of a person of its unit: created, given their files and put to review
exactly as the person would do it on the page (``outgoing.services``), so they follow the normal chain
(review, format check, signature, number, agency signature, issue). Idempotent on the system's own id.
The result (state, number, notation, date, signed PDF, refusal reason) is polled and acknowledged."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from qlvb.core import audit
from qlvb.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from qlvb.directory.models import User
from qlvb.files.intake import file_intake
from qlvb.files.models import StoredFile
from qlvb.outgoing import selectors as outgoing_selectors
from qlvb.outgoing import services as outgoing_services
from qlvb.outgoing.models import FROZEN_STATES, Outgoing, State, StepStatus, VersionKind

from .errors import ErrorCode
from .mapping import doc_type_for, unit_for
from .models import CodeKind, CodeMapping, ConnectedSystem, Scope, Submission
from .scopes import scope_require

# States after which the chain has nothing more to give the system: it may acknowledge the result.
FINAL_STATES = (*FROZEN_STATES, State.RETURNED)


@dataclass
class UploadedFile:
    name: str
    stream: IO[bytes]
    size: int | None = None


@dataclass
class DraftRequest:
    external_id: str
    type_code: str
    subject: str
    signer_code: str
    main_file: UploadedFile | None
    appendices: list[UploadedFile] = field(default_factory=list)
    recipient_codes: list[str] = field(default_factory=list)
    free_recipients: str = ""
    urgency: int = 0
    due_date: dt.date | None = None
    description: str = ""
    drafter_initials: str = ""
    competence: str = ""


def _external_id(value: str) -> str:
    value = (value or "").strip()
    if not value or len(value) > 100 or any(ord(c) < 32 for c in value):
        raise ValidationFailed(
            "Mã văn bản của hệ thống (external_id) bắt buộc, tối đa 100 ký tự.", details={"field": "external_id"}
        )
    return value


def _signer(system: ConnectedSystem, code: str) -> User:
    mapping = (
        CodeMapping.objects.select_related("user__unit")
        .filter(system=system, kind=CodeKind.USER, code=code[:64])
        .first()
    )
    if mapping is None or mapping.user is None:
        raise ValidationFailed(
            f"Mã người ký “{code[:64]}” chưa được ánh xạ sang người dùng nào của hệ thống quản lý văn bản.",
            code=ErrorCode.UNMAPPED_USER,
            details={"field": "signer_code"},
        )
    return mapping.user


def submission_find(system: ConnectedSystem, external_id: str) -> Submission | None:
    return (
        Submission.objects.select_related("outgoing__document").filter(system=system, external_id=external_id).first()
    )


def _take_in(person: User, upload: UploadedFile, *, allowed: tuple[str, ...], what: str) -> StoredFile:
    stored = file_intake(
        actor=person, stream=upload.stream, original_name=upload.name, channel="api", declared_size=upload.size
    )
    if stored.blob.kind not in allowed:
        raise ValidationFailed(
            f"{what} phải là tệp {', '.join(allowed)} (tệp “{stored.name}” là {stored.blob.kind}).",
            code=ErrorCode.DRAFT_FORMAT,
        )
    return stored


def submission_create(*, system: ConnectedSystem, person: User, request: DraftRequest) -> tuple[Submission, bool]:
    """The draft of ``request`` (created, or the one already submitted under the same id: ``False``).
    Files are taken in first (outside the transaction, as every channel does); the draft, its versions
    and the submission are written together, or not at all."""
    scope_require(system, Scope.SUBMIT_DRAFTS)
    external_id = _external_id(request.external_id)
    known = submission_find(system, external_id)
    if known is not None:
        return known, False
    doc_type = doc_type_for(system, request.type_code)
    recipients = [unit_for(system, code) for code in request.recipient_codes]
    signer = _signer(system, request.signer_code)
    if request.main_file is None:
        raise ValidationFailed(
            "Cần gửi tệp dự thảo chính (docx, odt, doc hoặc rtf).",
            code=ErrorCode.NO_MAIN_FILE,
            details={"field": "main"},
        )
    main = _take_in(person, request.main_file, allowed=outgoing_services.DRAFT_EXTENSIONS, what="Tệp dự thảo chính")
    appendices = [
        _take_in(person, f, allowed=outgoing_services.APPENDIX_EXTENSIONS, what="Phụ lục") for f in request.appendices
    ]
    data = outgoing_services.DraftData(
        doc_type=doc_type,
        subject=request.subject,
        signer=signer,
        competence=request.competence,
        urgency=request.urgency,
        due_date=request.due_date,
        drafter_initials=request.drafter_initials,
        recipients=recipients,
        free_recipients=request.free_recipients,
        description=request.description,
    )
    try:
        with transaction.atomic():
            outgoing = outgoing_services.outgoing_create(actor=person, data=data)
            outgoing_services.version_upload(actor=person, outgoing=outgoing, stored_file=main)
            for stored in appendices:
                outgoing_services.version_upload(
                    actor=person, outgoing=outgoing, stored_file=stored, kind=VersionKind.APPENDIX
                )
            submission = Submission.objects.create(
                system=system, external_id=external_id, outgoing=outgoing, acting_user=person
            )
            audit.record(
                "integrations.draft_submitted",
                actor=person,
                obj=outgoing.document,
                data={"system": system.pk, "external_id": external_id},
            )
            transaction.on_commit(lambda: _advance_later(submission.pk))
    except IntegrityError:  # the same id submitted at the same moment: the other one won
        known = submission_find(system, external_id)
        if known is None:
            raise
        return known, False
    return submission, True


def _advance_later(submission_id: int) -> None:
    from .tasks import submission_advance_task

    # after the versions' own conversion tasks (registered first): in eager mode they have run already
    submission_advance_task.apply_async((submission_id,), countdown=2)


def submission_advance(*, submission_id: int) -> str:
    """Put the draft to review once its files are in PDF (run by a task after the commit): ``"wait"`` while
    a conversion runs, ``"submitted"``, or ``"failed"`` with the reason kept for the system to read."""
    submission = Submission.objects.select_related("outgoing", "acting_user").get(pk=submission_id)
    outgoing = submission.outgoing
    if outgoing.state != State.DRAFT:
        return "done"
    statuses = [outgoing_services.conversion_status(v) for v in outgoing.versions.all()]
    if any(s["conversion"] == "failed" for s in statuses):
        errors = "; ".join(s["conversion_error"] for s in statuses if s["conversion_error"])
        Submission.objects.filter(pk=submission.pk).update(
            submit_error=f"Không chuyển được tệp sang PDF: {errors}"[:500]
        )
        return "failed"
    if any(s["conversion"] != "done" for s in statuses):
        return "wait"
    try:
        outgoing_services.outgoing_submit(actor=submission.acting_user, outgoing=outgoing)
    except DomainError as exc:
        Submission.objects.filter(pk=submission.pk).update(submit_error=exc.message[:500])
        return "failed"
    Submission.objects.filter(pk=submission.pk).update(submit_error="")
    return "submitted"


def submission_wait_ended(*, submission_id: int) -> None:
    Submission.objects.filter(pk=submission_id).update(
        submit_error="Chưa chuyển xong tệp sang PDF sau 15 phút: người soạn thảo kiểm tra phiên bản rồi trình duyệt."
    )


def submission_get(*, system: ConnectedSystem, person: User, external_id: str) -> Submission:
    """The system's own submission, if the acting person may see its draft (else 404, like a missing one)."""
    scope_require(system, Scope.SUBMIT_DRAFTS, Scope.READ_ISSUED)
    submission = submission_find(system, (external_id or "")[:100])
    if (
        submission is None
        or not outgoing_selectors.outgoing_visible_to(person).filter(pk=submission.outgoing_id).exists()
    ):
        raise NotFound("Không tìm thấy văn bản của hệ thống với mã này.")
    return submission


def submissions_waiting(*, system: ConnectedSystem, person: User) -> QuerySet[Submission]:
    """The results the system has not acknowledged yet, whose chain has ended (issued, returned...)."""
    scope_require(system, Scope.SUBMIT_DRAFTS, Scope.READ_ISSUED)
    visible = outgoing_selectors.outgoing_visible_to(person).values("pk")
    return (
        Submission.objects.filter(
            system=system, acknowledged_at__isnull=True, outgoing__state__in=FINAL_STATES, outgoing__in=visible
        )
        .select_related("outgoing__document")
        .order_by("pk")
    )


def _refusal(outgoing: Outgoing) -> str:
    if outgoing.state != State.RETURNED:
        return ""
    step = outgoing.steps.filter(round=outgoing.round, status=StepStatus.RETURNED).order_by("-decided_at").first()
    return step.comment if step is not None else ""


def submission_result(submission: Submission) -> dict[str, Any]:
    outgoing = submission.outgoing
    document = outgoing.document
    return {
        "external_id": submission.external_id,
        "id": outgoing.pk,
        "state": outgoing.state,
        "state_label": str(outgoing.get_state_display()),
        "number": document.code_number,
        "notation": document.code_notation,
        "number_notation": document.number_notation,
        "issued_date": document.issued_date.isoformat() if document.issued_date else None,
        "signed_pdf": bool(outgoing.signed_pdf_id) and outgoing.state in FROZEN_STATES,
        "refusal_reason": _refusal(outgoing),
        "submit_error": submission.submit_error,
        "final": outgoing.state in FINAL_STATES,
        "acknowledged_at": submission.acknowledged_at.isoformat() if submission.acknowledged_at else None,
    }


@transaction.atomic
def submission_acknowledge(*, system: ConnectedSystem, person: User, external_id: str) -> Submission:
    """The system took the result; it leaves the list of waiting results. Acknowledging twice is harmless."""
    submission = submission_get(system=system, person=person, external_id=external_id)
    submission = Submission.objects.select_for_update().select_related("outgoing__document").get(pk=submission.pk)
    if submission.outgoing.state not in FINAL_STATES:
        raise Conflict(
            f"Văn bản chưa có kết quả ({submission.outgoing.get_state_display()}): chưa xác nhận được.",
            code=ErrorCode.NOT_FINISHED,
        )
    if submission.acknowledged_at is None:
        submission.acknowledged_at = timezone.now()
        submission.save(update_fields=["acknowledged_at"])
        audit.record(
            "integrations.result_acknowledged",
            actor=person,
            obj=submission.outgoing.document,
            data={"system": system.pk, "external_id": submission.external_id},
        )
    return submission


def signed_pdf_of(submission: Submission) -> StoredFile:
    outgoing = Outgoing.objects.select_related("signed_pdf__blob").get(pk=submission.outgoing_id)
    if outgoing.signed_pdf is None or outgoing.state not in FROZEN_STATES:
        raise Conflict("Văn bản chưa phát hành: chưa có bản PDF đã ký.", code=ErrorCode.NOT_FINISHED)
    return outgoing.signed_pdf
