"""The draft's versions (immutable uploads, their PDF made after the commit) and the comments on them."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from qlvb.assignments.notify import notify_after_commit
from qlvb.core.errors import Conflict, PermissionDenied, ValidationFailed
from qlvb.core.locks import row_locked
from qlvb.core.text import text_clean
from qlvb.directory.models import User
from qlvb.documents.events import event_record
from qlvb.documents.models import (
    Document,
)
from qlvb.documents.secrecy import secrecy_refuse
from qlvb.files.conversions import conversion_request, conversion_retryable, conversion_run
from qlvb.files.models import Conversion, ConversionState, StoredFile
from qlvb.files.pdfinfo import pdf_page_count
from qlvb.files.storage import open_verified

from . import convert
from .approval import _restart_if_approved
from .draft_state import _metadata, latest_version, version_conversion
from .errors import ErrorCode
from .models import (
    Comment,
    DraftVersion,
    Outgoing,
    VersionKind,
)
from .preconditions import outgoing_change_check, outgoing_comment_check

DRAFT_EXTENSIONS = ("docx", "odt", "doc", "rtf")
APPENDIX_EXTENSIONS = (*DRAFT_EXTENSIONS, "pdf")


def version_upload(
    *, actor: User, outgoing: Outgoing, stored_file: StoredFile, kind: str = VersionKind.MAIN, note: str = ""
) -> DraftVersion:
    """A new immutable version of the draft (or an appendix). A draft marked secret is refused and
    nothing is recorded (the XML is streamed through the zip guard, bounded). The PDF is made after
    the commit by the Celery task ``qlvb.outgoing.version_convert`` (LibreOffice never runs in the web
    request): until then the version shows “Đang chuyển sang PDF…”; a failure shows its reason with a
    retry (:func:`version_convert_retry`)."""
    if kind not in VersionKind.values:
        raise ValidationFailed("Loại tệp dự thảo không hợp lệ.")
    ext = stored_file.blob.kind
    allowed = DRAFT_EXTENSIONS if kind == VersionKind.MAIN else APPENDIX_EXTENSIONS
    if ext not in allowed:
        raise ValidationFailed(
            f"Dự thảo phải là tệp {', '.join(allowed)} (tệp “{stored_file.name}” là {ext}).",
            code=ErrorCode.DRAFT_FORMAT,
        )
    if stored_file.uploaded_by_id != actor.pk:
        raise PermissionDenied("Chỉ dùng được tệp do chính mình tải lên.")
    outgoing_change_check(actor, outgoing)
    with open_verified(stored_file.blob.sha256, size=stored_file.blob.size, name=stored_file.name) as handle:
        mark = convert.secrecy_mark(handle, ext=ext, name=stored_file.name)
    secrecy_refuse(stamp=mark)
    return _version_store(actor=actor, outgoing=outgoing, stored_file=stored_file, pdf=None, kind=kind, note=note)


def version_convert(*, version_id: int) -> DraftVersion:
    """Run by the Celery task after the upload's commit: the version's PDF (LibreOffice, fenced), or
    the failure recorded with its Vietnamese reason. Idempotent."""
    version = DraftVersion.objects.select_related("stored_file__blob", "uploaded_by").get(pk=version_id)
    if version.pdf_id is not None:
        return version
    conversion = conversion_request(source=version.stored_file)
    conversion = conversion_run(conversion_id=conversion.pk, actor=version.uploaded_by)
    if conversion.state == ConversionState.DONE and conversion.pdf is not None:
        _version_attach_pdf(version, conversion.pdf)
    return DraftVersion.objects.get(pk=version_id)


@transaction.atomic
def _version_attach_pdf(version: DraftVersion, pdf: StoredFile) -> None:
    pages = pdf_page_count(pdf)
    # the one change a version ever gets: its PDF, once, when the conversion ends
    DraftVersion.objects.filter(pk=version.pk, pdf__isnull=True).update(pdf=pdf, page_count=pages)
    newest = latest_version(version.outgoing, kind=VersionKind.MAIN)
    if version.kind == VersionKind.MAIN and pages and newest is not None and newest.pk == version.pk:
        Document.objects.filter(pk=version.outgoing.document_id).update(page_amount=pages)  # capped by pdf_page_count


def version_convert_retry(*, actor: User, version: DraftVersion) -> DraftVersion:
    """Try the PDF again after a failure, or when the task was lost (pending far too long), or when the
    PDF exists but was not attached (the drafter, or whoever may change the draft now)."""
    outgoing_change_check(actor, version.outgoing)
    conversion = Conversion.objects.filter(source_id=version.stored_file_id).first()
    if version.pdf_id is not None or (conversion is not None and not _may_retry(conversion)):
        raise Conflict("Phiên bản này đã có bản PDF hoặc đang được chuyển sang PDF.", code=ErrorCode.PDF_NOT_FAILED)
    with transaction.atomic():
        conversion_request(source=version.stored_file)
        _convert_after_commit(version.pk)
    return version


def _may_retry(conversion: Conversion) -> bool:
    return conversion_retryable(conversion) or conversion.state == ConversionState.DONE


def conversion_status(version: DraftVersion) -> dict[str, Any]:
    """``conversion``: done / pending / failed, its Vietnamese label, the reason of a failure, and
    whether a retry is offered (failed, or a lost task)."""
    retry = False
    if version.pdf_id is not None:
        state, error = ConversionState.DONE, ""
    else:
        conversion = version_conversion(version)
        state = ConversionState(conversion.state) if conversion else ConversionState.PENDING
        error = conversion.error if conversion else ""
        retry = conversion is None or conversion_retryable(conversion)
        if state == ConversionState.DONE:  # converted, the version not yet updated: still pending for it
            state, retry = ConversionState.PENDING, True
    return {
        "conversion": str(state.value),
        "conversion_label": str(state.label),
        "conversion_error": error,
        "conversion_retry": retry,
    }


def _convert_after_commit(version_id: int) -> None:
    from .tasks import version_convert_task

    transaction.on_commit(lambda: version_convert_task.delay(version_id))


@transaction.atomic
def _version_store(
    *, actor: User, outgoing: Outgoing, stored_file: StoredFile, pdf: StoredFile | None, kind: str, note: str
) -> DraftVersion:
    outgoing = row_locked(outgoing, related=("document",))
    outgoing_change_check(actor, outgoing)
    last = outgoing.versions.filter(kind=kind).aggregate(m=Max("ordinal"))["m"] or 0
    version = DraftVersion.objects.create(
        outgoing=outgoing,
        kind=kind,
        ordinal=last + 1,
        stored_file=stored_file,
        pdf=pdf,
        page_count=pdf_page_count(pdf) if pdf else None,
        note=text_clean(note, limit=500, label="ghi chú"),
        metadata=_metadata(outgoing),
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    if pdf is None:
        conversion_request(source=stored_file)
        _convert_after_commit(version.pk)
    if kind == VersionKind.MAIN and version.page_count:
        outgoing.document.page_amount = version.page_count  # capped by pdf_page_count
        outgoing.document.save(update_fields=["page_amount"])
    event_record(
        outgoing.document,
        actor=actor,
        action="version_uploaded",
        text=f"{version}: {stored_file.name}" + (f" — {version.note}" if version.note else ""),
        data={"version": version.pk, "kind": kind, "ordinal": version.ordinal, "sha256": stored_file.blob.sha256},
    )
    _restart_if_approved(actor, outgoing, why="có phiên bản mới")
    return version


@transaction.atomic
def comment_add(*, actor: User, outgoing: Outgoing, text: str, parent: Comment | None = None) -> Comment:
    outgoing_comment_check(actor, outgoing)
    text = text_clean(text, limit=4000, label="nội dung góp ý", required=True)
    if parent is not None and parent.outgoing_id != outgoing.pk:
        raise ValidationFailed("Góp ý trả lời không thuộc văn bản này.")
    comment = Comment.objects.create(
        outgoing=outgoing,
        version=latest_version(outgoing),
        parent=parent,
        author=actor,
        text=text,
        created_at=timezone.now(),
    )
    event_record(outgoing.document, actor=actor, action="commented", text=text[:500], data={"comment": comment.pk})
    notify_after_commit(
        users=[outgoing.drafter],
        exclude=actor,
        kind="returned",
        document_id=outgoing.pk,
        text=f"Góp ý dự thảo “{outgoing.document.subject[:120]}”: {text[:200]}",
    )
    return comment
