"""The outgoing flow (NĐ 30/2020 Điều 10–19): draft → approval chain → format check → personal
signature → number → agency signature → issue → track; revoke and replace.

Every service checks the right, locks the ``Outgoing`` row, checks the state, records a DocumentEvent
(and an audit entry for the acts with legal weight), all in one transaction: a refused action leaves
nothing half-done. Slow work (LibreOffice, signing) runs before the transaction; the state is checked
again under the lock afterwards.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from qlvb.assignments.notify import notify_after_commit
from qlvb.core import audit
from qlvb.core.errors import Conflict, PermissionDenied, ValidationFailed
from qlvb.core.permissions import has, require
from qlvb.core.text import nfc
from qlvb.directory import people
from qlvb.directory.models import Unit, User
from qlvb.documents.events import event_record
from qlvb.documents.models import (
    MAX,
    SECRECY_REFUSED_MESSAGE,
    Attachment,
    AttachmentKind,
    Direction,
    Document,
    DocumentStatus,
    DocumentType,
    Urgency,
)
from qlvb.documents.numbering import register_for
from qlvb.documents.visibility import documents_visible_to
from qlvb.exchange.services import BusinessType, deliveries_recall, deliveries_send, recipient_check
from qlvb.files.conversions import conversion_request, conversion_retryable, conversion_run
from qlvb.files.intake import file_intake
from qlvb.files.models import Channel as FileChannel
from qlvb.files.models import Conversion, ConversionState, StoredFile
from qlvb.files.storage import open_verified

from . import convert, numbering
from .models import (
    EDITABLE_STATES,
    ApprovalStep,
    ChainStep,
    Comment,
    Competence,
    DraftVersion,
    Outgoing,
    Recipient,
    State,
    StepKind,
    StepStatus,
    TypeSetting,
    VersionKind,
)

# NĐ 30 Phụ lục I: what the clerk checks (thể thức và kỹ thuật trình bày).
FORMAT_CHECKLIST: dict[str, str] = {
    "quoc_hieu": "Quốc hiệu và Tiêu ngữ (ô 1)",
    "co_quan": "Tên cơ quan, tổ chức ban hành (ô 2)",
    "so_ky_hieu": "Ô số, ký hiệu văn bản (ô 3)",
    "dia_danh_ngay": "Địa danh và thời gian ban hành (ô 4)",
    "ten_loai_trich_yeu": "Tên loại và trích yếu nội dung (ô 5a/5b)",
    "noi_dung": "Bố cục nội dung, căn cứ, điều khoản (ô 6)",
    "tham_quyen_ky": "Quyền hạn, chức vụ, họ tên người ký (ô 7a–7c)",
    "noi_nhan": "Nơi nhận, dòng “Lưu: VT, …” (ô 9a/9b)",
    "do_khan": "Dấu chỉ mức độ khẩn (ô 10b), nếu có",
    "ky_hieu_nguoi_soan": "Ký hiệu người soạn thảo và số lượng bản (ô 12)",
    "trinh_bay": "Khổ giấy A4, lề, phông Times New Roman, cỡ chữ (Phần I Phụ lục I)",
}

DRAFT_EXTENSIONS = ("docx", "odt", "doc", "rtf")
APPENDIX_EXTENSIONS = (*DRAFT_EXTENSIONS, "pdf")


# --- helpers -------------------------------------------------------------------------------------


def _locked(outgoing: Outgoing) -> Outgoing:
    return Outgoing.objects.select_for_update().select_related("document").get(pk=outgoing.pk)


def _text(value: str | None, *, limit: int, label: str, required: bool = False) -> str:
    value = nfc(value or "").strip()
    if required and not value:
        raise ValidationFailed(f"Cần nhập {label}.")
    if len(value) > limit:
        raise ValidationFailed(f"{label[:1].upper()}{label[1:]} dài quá {limit} ký tự.")
    return value


def _agency_of(actor: Any) -> Unit:
    unit = getattr(actor, "unit", None)
    if unit is None:
        raise PermissionDenied("Tài khoản chưa thuộc đơn vị nào nên không soạn được văn bản đi.")
    return unit.agency or unit


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


# --- drafting ------------------------------------------------------------------------------------


@dataclass
class DraftData:
    doc_type: DocumentType
    subject: str
    signer: User
    competence: str = ""
    signer_position: str = ""
    urgency: int = Urgency.NORMAL
    secrecy: str = ""
    due_date: dt.date | None = None
    answers: Document | None = None
    drafter_initials: str = ""
    copy_count: int = 1
    recipients: list[Unit] = field(default_factory=list)
    free_recipients: str = ""
    paper_recipients: str = ""
    description: str = ""


def _clean(data: DraftData, *, agency: Unit, actor: Any, keep_due_date: dt.date | None = None) -> DraftData:
    """``keep_due_date``: the due date the draft already has (editing other fields of a draft whose reply
    due date has passed since is not refused for it)."""
    if (data.secrecy or "").strip():
        raise ValidationFailed(SECRECY_REFUSED_MESSAGE, code="state_secret")
    if not data.doc_type.is_active:
        raise ValidationFailed("Loại văn bản này không còn được dùng.")
    subject = _text(data.subject, limit=MAX["subject"], label="trích yếu nội dung", required=True)
    if not data.doc_type.abbreviation and data.doc_type.name == "Công văn" and not subject.lower().startswith("v/v"):
        subject = (
            f"V/v {subject[:1].lower()}{subject[1:]}"
            if subject[:1].isupper() and subject[1:2].islower()
            else f"V/v {subject}"
        )
    data.subject = subject[: MAX["subject"]]
    if data.competence not in Competence.values:
        raise ValidationFailed("Thẩm quyền ký phải là TM., KT., TL., TUQ., Q. hoặc ký trực tiếp.")
    signer = data.signer
    if (
        not signer.is_active
        or signer.unit is None
        or (signer.unit.agency_id or signer.unit.pk) != agency.pk
        or not has(signer, "outgoing.sign", unit=agency)
    ):
        raise ValidationFailed(f"{signer.full_name} không phải là lãnh đạo có thẩm quyền ký của cơ quan.")
    data.signer_position = _text(
        data.signer_position or signer.position, limit=MAX["signer_position"], label="chức vụ người ký"
    )
    if data.urgency not in Urgency.values:
        raise ValidationFailed("Độ khẩn không hợp lệ.")
    if not 1 <= int(data.copy_count) <= 999:
        raise ValidationFailed("Số lượng bản phải từ 1 đến 999.")
    data.drafter_initials = _text(data.drafter_initials, limit=20, label="ký hiệu người soạn thảo")
    data.free_recipients = "\n".join(
        recipient_lines(_text(data.free_recipients, limit=MAX["to_places"], label="nơi nhận khác"))
    )
    data.paper_recipients = "\n".join(
        recipient_lines(_text(data.paper_recipients, limit=MAX["to_places"], label="nơi nhận gửi bản giấy"))
    )
    data.description = _text(data.description, limit=MAX["description"], label="ghi chú")
    if data.due_date is not None and data.due_date < timezone.localdate() and data.due_date != keep_due_date:
        raise ValidationFailed(
            f"Hạn trả lời {data.due_date:%d/%m/%Y} đã qua: hãy chọn hôm nay hoặc một ngày sau "
            "(hoặc để trống nếu không cần trả lời).",
            code="past_date",
        )
    seen: set[int] = set()
    for unit in data.recipients:
        recipient_check(unit, sender=agency)
        if unit.pk in seen:
            raise ValidationFailed(f"{unit.name} được chọn hai lần.")
        seen.add(unit.pk)
    if not data.recipients and not data.free_recipients and not data.paper_recipients:
        raise ValidationFailed("Cần chọn ít nhất một nơi nhận.")
    if data.answers is not None:
        answered = documents_visible_to(actor, Direction.INCOMING)
        if not answered.filter(pk=data.answers.pk, agency=agency).exists():
            raise ValidationFailed("Không tìm thấy văn bản đến được trả lời.")
    return data


def recipient_lines(text: str) -> list[str]:
    """The recipients typed as text, one a line, without the list dash and the closing ";"/"." of the
    "Nơi nhận" block; blank and repeated lines dropped."""
    seen: list[str] = []
    for raw in nfc(text or "").splitlines():
        line = raw.strip().lstrip("-–•+").strip().rstrip(";.,").strip()
        if line and line not in seen:
            seen.append(line[:200])
    return seen


def to_places_text(units: list[Unit], free: str, paper: str) -> str:
    """The document's "Nơi nhận": agencies of the directory, then the other recipients as typed."""
    lines = [f"- {u.name}" for u in units]
    lines += [f"- {line}" for line in recipient_lines(free) + recipient_lines(paper)]
    return "\n".join(lines)[: MAX["to_places"]]


def _to_places(data: DraftData) -> str:
    return to_places_text(list(data.recipients), data.free_recipients, data.paper_recipients)


@transaction.atomic
def outgoing_create(*, actor: Any, data: DraftData) -> Outgoing:
    """An officer starts an outgoing document (NĐ 30 Điều 10); the draft file comes with
    :func:`version_upload`."""
    agency = _agency_of(actor)
    require(actor, "outgoing.draft", unit=actor.unit)
    data = _clean(data, agency=agency, actor=actor)
    now = timezone.now()
    document = Document.objects.create(
        direction=Direction.OUTGOING,
        agency=agency,
        status=DocumentStatus.IN_PROGRESS,
        doc_type=data.doc_type,
        organ_name=agency.name[: MAX["organ_name"]],
        organ_id=agency.organ_id[: MAX["organ_id"]],
        subject=data.subject,
        description=data.description,
        signer_name=data.signer.full_name[: MAX["signer_name"]],
        signer_position=data.signer_position,
        urgency=data.urgency,
        to_places=_to_places(data),
        due_date=data.due_date,
        received_at=now,
        created_by=actor,
    )
    setting = TypeSetting.objects.filter(agency=agency, doc_type=data.doc_type).first()
    outgoing = Outgoing.objects.create(
        document=document,
        drafter=actor,
        drafting_unit=actor.unit,
        drafter_initials=data.drafter_initials,
        copy_count=data.copy_count,
        signer=data.signer,
        competence=data.competence,
        answers=data.answers,
        free_recipients=data.free_recipients,
        paper_recipients=data.paper_recipients,
        also_paper=bool(setting and setting.also_paper),
    )
    Recipient.objects.bulk_create([Recipient(outgoing=outgoing, unit=u) for u in data.recipients])
    event_record(document, actor=actor, action="drafted", text=document.subject, data=_metadata(outgoing))
    return outgoing


@transaction.atomic
def outgoing_update(*, actor: Any, outgoing: Outgoing, data: DraftData) -> Outgoing:
    """Change the metadata. After any approval the chain starts again (NĐ 30 Điều 11)."""
    outgoing = _locked(outgoing)
    _may_change(actor, outgoing)
    agency = outgoing.document.agency
    data = _clean(data, agency=agency, actor=actor, keep_due_date=outgoing.document.due_date)
    before = _metadata(outgoing)
    document = outgoing.document
    document.doc_type, document.subject, document.description = data.doc_type, data.subject, data.description
    document.signer_name, document.signer_position = data.signer.full_name[:50], data.signer_position
    document.urgency, document.due_date, document.to_places = data.urgency, data.due_date, _to_places(data)
    document.save()
    outgoing.signer, outgoing.competence, outgoing.answers = data.signer, data.competence, data.answers
    outgoing.drafter_initials, outgoing.copy_count = data.drafter_initials, data.copy_count
    outgoing.free_recipients, outgoing.paper_recipients = data.free_recipients, data.paper_recipients
    outgoing.save()
    outgoing.recipients.all().delete()
    Recipient.objects.bulk_create([Recipient(outgoing=outgoing, unit=u) for u in data.recipients])
    return _changed(actor, outgoing, before)


# Vietnamese names of the metadata keys (the history and the version list show what changed).
METADATA_LABELS: dict[str, str] = {
    "doc_type": "Loại văn bản",
    "subject": "Trích yếu",
    "urgency": "Độ khẩn",
    "due_date": "Hạn trả lời",
    "signer": "Người ký",
    "competence": "Thẩm quyền ký",
    "signer_position": "Chức vụ người ký",
    "recipients": "Nơi nhận trong danh bạ",
    "free_recipients": "Nơi nhận chưa có địa chỉ",
    "paper_recipients": "Nơi nhận gửi bản giấy",
    "drafter_initials": "Ký hiệu người soạn thảo",
    "copy_count": "Số lượng bản",
    "answers": "Trả lời văn bản đến",
    "description": "Ghi chú",
}


def metadata_value(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value) or "—"
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-" and value[7:8] == "-":
        return f"{value[8:]}/{value[5:7]}/{value[:4]}"  # an ISO date → dd/mm/yyyy
    return str(value).replace("\n", "; ") if value not in (None, "") else "—"


def changes_text(changes: dict[str, dict[str, Any]]) -> str:
    return "; ".join(
        f"{METADATA_LABELS.get(k, k)}: {metadata_value(c['before'])} → {metadata_value(c['after'])}"
        for k, c in changes.items()
    )[:2000]


def _changed(actor: Any, outgoing: Outgoing, before: dict[str, Any], *, restart: bool = True) -> Outgoing:
    """Record what changed in the metadata (the ``metadata_changed`` event keeps before and after of each
    key); a change after an approval starts the chain again (NĐ 30 Điều 11)."""
    after = _metadata(outgoing)
    changes = {k: {"before": before.get(k), "after": after[k]} for k in after if before.get(k) != after[k]}
    if not changes:
        return outgoing
    event_record(
        outgoing.document, actor=actor, action="metadata_changed", text=changes_text(changes), data={"changes": changes}
    )
    if restart:
        _restart_if_approved(actor, outgoing, why="thông tin văn bản thay đổi")
    if "signer" in changes:  # a round not restarted: its waiting signing step is the new signer's
        outgoing.steps.filter(round=outgoing.round, kind=StepKind.SIGN, status=StepStatus.WAITING).update(
            user=outgoing.signer
        )
    return outgoing


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


def _restart_if_approved(actor: Any, outgoing: Outgoing, *, why: str) -> None:
    """NĐ 30 Điều 11: a draft changed after any approval goes through the chain again."""
    if outgoing.state in (State.DRAFT, State.RETURNED):
        return
    approved = outgoing.steps.filter(round=outgoing.round, status=StepStatus.APPROVED).exists()
    if not approved:
        return
    outgoing.steps.filter(round=outgoing.round, status__in=(StepStatus.PENDING, StepStatus.WAITING)).update(
        status=StepStatus.CANCELLED
    )
    outgoing.approved_version = None
    outgoing.save(update_fields=["approved_version"])
    _build_chain(outgoing, dept_leader=None)
    event_record(
        outgoing.document,
        actor=actor,
        action="chain_restarted",
        text=f"Dự thảo đã được duyệt nhưng {why}: trình duyệt lại từ đầu.",
    )


def version_upload(
    *, actor: Any, outgoing: Outgoing, stored_file: StoredFile, kind: str = VersionKind.MAIN, note: str = ""
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
            f"Dự thảo phải là tệp {', '.join(allowed)} (tệp “{stored_file.name}” là {ext}).", code="draft_format"
        )
    if stored_file.uploaded_by_id != actor.pk:
        raise PermissionDenied("Chỉ dùng được tệp do chính mình tải lên.")
    _may_change(actor, outgoing)
    with open_verified(stored_file.blob.sha256, size=stored_file.blob.size, name=stored_file.name) as handle:
        mark = convert.secrecy_mark(handle, ext=ext, name=stored_file.name)
    if mark:
        raise ValidationFailed(f"Dự thảo có dấu “{mark}”. {SECRECY_REFUSED_MESSAGE}", code="state_secret")
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
    pages = _pdf_pages(pdf)
    # the one change a version ever gets: its PDF, once, when the conversion ends
    DraftVersion.objects.filter(pk=version.pk, pdf__isnull=True).update(pdf=pdf, page_count=pages)
    newest = latest_version(version.outgoing, kind=VersionKind.MAIN)
    if version.kind == VersionKind.MAIN and pages and newest is not None and newest.pk == version.pk:
        Document.objects.filter(pk=version.outgoing.document_id).update(page_amount=min(pages, 999))


def version_convert_retry(*, actor: Any, version: DraftVersion) -> DraftVersion:
    """Try the PDF again after a failure, or when the task was lost (pending far too long), or when the
    PDF exists but was not attached (the drafter, or whoever may change the draft now)."""
    _may_change(actor, version.outgoing)
    conversion = Conversion.objects.filter(source_id=version.stored_file_id).first()
    if version.pdf_id is not None or (conversion is not None and not _may_retry(conversion)):
        raise Conflict("Phiên bản này đã có bản PDF hoặc đang được chuyển sang PDF.", code="pdf_not_failed")
    with transaction.atomic():
        conversion_request(source=version.stored_file)
        _convert_after_commit(version.pk)
    return version


def version_conversion(version: DraftVersion) -> Conversion | None:
    try:
        return version.stored_file.conversion  # select_related("stored_file__conversion") saves the query
    except Conversion.DoesNotExist:
        return None


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


def _require_pdfs(outgoing: Outgoing) -> None:
    """The draft moves on only when its latest version and every appendix have their PDF."""
    versions = [v for v in (latest_version(outgoing),) if v is not None] + list(
        outgoing.versions.filter(kind=VersionKind.APPENDIX)
    )
    for version in versions:
        if version.pdf_id is not None:
            continue
        conversion = version_conversion(version)
        if conversion is not None and conversion.state == ConversionState.FAILED:
            raise ValidationFailed(
                f"{version} chưa có bản PDF: {conversion.error} Hãy bấm “Thử lại” hoặc tải lên tệp khác.",
                code="pdf_failed",
            )
        raise Conflict(f"{version} đang được chuyển sang PDF; hãy chờ ít phút rồi thực hiện lại.", code="pdf_pending")


def _pdf_pages(stored: StoredFile) -> int | None:
    from pypdf import PdfReader

    try:
        with open_verified(stored.blob.sha256, size=stored.blob.size, name=stored.name) as handle:
            return len(PdfReader(handle).pages)
    except Exception:  # a page count is a convenience
        return None


@transaction.atomic
def _version_store(
    *, actor: Any, outgoing: Outgoing, stored_file: StoredFile, pdf: StoredFile | None, kind: str, note: str
) -> DraftVersion:
    outgoing = _locked(outgoing)
    _may_change(actor, outgoing)
    last = outgoing.versions.filter(kind=kind).aggregate(m=Max("ordinal"))["m"] or 0
    version = DraftVersion.objects.create(
        outgoing=outgoing,
        kind=kind,
        ordinal=last + 1,
        stored_file=stored_file,
        pdf=pdf,
        page_count=_pdf_pages(pdf) if pdf else None,
        note=_text(note, limit=500, label="ghi chú"),
        metadata=_metadata(outgoing),
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    if pdf is None:
        conversion_request(source=stored_file)
        _convert_after_commit(version.pk)
    if kind == VersionKind.MAIN and version.page_count:
        outgoing.document.page_amount = min(version.page_count, 999)
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
def comment_add(*, actor: Any, outgoing: Outgoing, text: str, parent: Comment | None = None) -> Comment:
    from .selectors import outgoing_visible_to

    if not outgoing_visible_to(actor).filter(pk=outgoing.pk).exists():
        raise PermissionDenied("Không có quyền góp ý văn bản này.")
    text = _text(text, limit=4000, label="nội dung góp ý", required=True)
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


# --- approval chain ------------------------------------------------------------------------------


def _build_chain(outgoing: Outgoing, *, dept_leader: User | None) -> list[ApprovalStep]:
    """A new round: department leader → steps the agency configured → clerk's format check → signer."""
    agency = outgoing.document.agency
    outgoing.round += 1
    steps: list[tuple[str, str, User | None]] = []
    leader = dept_leader
    if leader is None and outgoing.drafting_unit.kind == "department":
        leader = people.dept_leaders_of(outgoing.drafting_unit).exclude(pk=outgoing.drafter_id).first()
    if leader is not None and leader.pk != outgoing.drafter_id:
        steps.append((StepKind.REVIEW, "Lãnh đạo phòng duyệt", leader))
    for extra in ChainStep.objects.filter(agency=agency).select_related("user"):
        if extra.user.is_active and extra.user.pk != outgoing.drafter_id:
            steps.append((StepKind.REVIEW, extra.label, extra.user))
    steps.append((StepKind.FORMAT, "Văn thư kiểm tra thể thức", None))
    steps.append((StepKind.SIGN, "Ký ban hành", outgoing.signer))
    created = ApprovalStep.objects.bulk_create(
        [
            ApprovalStep(
                outgoing=outgoing,
                round=outgoing.round,
                ordinal=i,
                kind=kind,
                label=label,
                user=user,
                status=StepStatus.PENDING if i == 1 else StepStatus.WAITING,
            )
            for i, (kind, label, user) in enumerate(steps, start=1)
        ]
    )
    first = created[0]
    outgoing.state = {StepKind.REVIEW: State.IN_REVIEW, StepKind.FORMAT: State.FORMAT_CHECK}.get(
        StepKind(first.kind), State.TO_SIGN
    )
    if first.kind == StepKind.FORMAT:
        outgoing.approved_version = latest_version(outgoing)
    outgoing.save(update_fields=["round", "state", "approved_version"])
    _notify_step(outgoing, first)
    return created


def _notify_step(outgoing: Outgoing, step: ApprovalStep) -> None:
    users = [step.user] if step.user is not None else list(people.clerks_of(outgoing.document.agency))
    notify_after_commit(
        users=users,
        kind="new_document",
        document_id=outgoing.pk,
        text=f"{step.label}: {outgoing.document.subject[:200]}",
    )


@transaction.atomic
def outgoing_submit(*, actor: Any, outgoing: Outgoing, dept_leader: User | None = None, note: str = "") -> Outgoing:
    outgoing = _locked(outgoing)
    if actor.pk != outgoing.drafter_id:
        raise PermissionDenied("Chỉ người soạn thảo mới trình duyệt dự thảo.")
    if outgoing.state not in (State.DRAFT, State.RETURNED):
        raise Conflict("Dự thảo đã được trình.")
    if latest_version(outgoing) is None:
        raise ValidationFailed("Cần tải lên tệp dự thảo (docx hoặc odt) trước khi trình.")
    _require_pdfs(outgoing)
    if dept_leader is not None and not has(dept_leader, "outgoing.review", unit=outgoing.drafting_unit):
        raise ValidationFailed(f"{dept_leader.full_name} không phải lãnh đạo duyệt được dự thảo của đơn vị.")
    steps = _build_chain(outgoing, dept_leader=dept_leader)
    event_record(
        outgoing.document,
        actor=actor,
        action="draft_submitted",
        text=(note + "\n" if note else "")
        + " → ".join(f"{s.label}{': ' + s.user.full_name if s.user else ''}" for s in steps),
        data={"round": outgoing.round},
    )
    return outgoing


def _pending_for(actor: Any, outgoing: Outgoing, kinds: tuple[str, ...]) -> ApprovalStep:
    step = current_step(outgoing)
    if step is None or step.kind not in kinds:
        raise Conflict(f"Văn bản không ở bước này (đang: {outgoing.get_state_display()}).")
    if step.kind == StepKind.FORMAT:
        require(actor, "outgoing.format_check", unit=outgoing.document.agency)
    elif step.user_id != actor.pk:
        raise PermissionDenied(f"Bước “{step.label}” là của {step.user.full_name if step.user else 'người khác'}.")
    return step


def _advance(outgoing: Outgoing, step: ApprovalStep, *, actor: Any, comment: str, data: dict[str, Any]) -> None:
    step.status, step.comment, step.data = StepStatus.APPROVED, comment, data
    step.decided_by, step.decided_at, step.version = actor, timezone.now(), latest_version(outgoing)
    step.save()
    following = outgoing.steps.filter(round=outgoing.round, ordinal__gt=step.ordinal).order_by("ordinal").first()
    if following is None:  # the signing step is completed by the signature itself
        return
    following.status = StepStatus.PENDING
    following.save(update_fields=["status"])
    if following.kind == StepKind.FORMAT:
        outgoing.state = State.FORMAT_CHECK
        outgoing.approved_version = latest_version(outgoing)
    elif following.kind == StepKind.SIGN:
        outgoing.state = State.TO_SIGN
    outgoing.save(update_fields=["state", "approved_version"])
    _notify_step(outgoing, following)


@transaction.atomic
def outgoing_approve(*, actor: Any, outgoing: Outgoing, comment: str = "") -> Outgoing:
    outgoing = _locked(outgoing)
    step = _pending_for(actor, outgoing, (StepKind.REVIEW,))
    _require_pdfs(outgoing)
    comment = _text(comment, limit=4000, label="ý kiến")
    _advance(outgoing, step, actor=actor, comment=comment, data={})
    event_record(
        outgoing.document,
        actor=actor,
        action="draft_approved",
        text=f"{step.label}. {comment}".strip(),
        data={"step": step.pk, "version": step.version_id},
    )
    return outgoing


@transaction.atomic
def outgoing_return(*, actor: Any, outgoing: Outgoing, comment: str) -> Outgoing:
    """Return the draft to its drafter with the reasons (any step: review, format check, signer)."""
    outgoing = _locked(outgoing)
    step = _pending_for(actor, outgoing, (StepKind.REVIEW, StepKind.FORMAT, StepKind.SIGN))
    comment = _text(comment, limit=4000, label="lý do trả lại", required=True)
    now = timezone.now()
    step.status, step.comment, step.decided_by, step.decided_at = StepStatus.RETURNED, comment, actor, now
    step.version = latest_version(outgoing)
    step.save()
    outgoing.steps.filter(round=outgoing.round, status=StepStatus.WAITING).update(status=StepStatus.CANCELLED)
    outgoing.state = State.RETURNED
    outgoing.approved_version = None
    outgoing.save(update_fields=["state", "approved_version"])
    event_record(
        outgoing.document, actor=actor, action="draft_returned", text=f"{step.label}: {comment}", data={"step": step.pk}
    )
    notify_after_commit(
        users=[outgoing.drafter], kind="returned", document_id=outgoing.pk, text=f"Dự thảo bị trả lại: {comment[:300]}"
    )
    return outgoing


@transaction.atomic
def outgoing_format_check(*, actor: Any, outgoing: Outgoing, checks: dict[str, bool], comment: str = "") -> Outgoing:
    """The clerk's check of form and layout against NĐ 30 Phụ lục I. Every item passes → to the signer;
    otherwise the draft goes back to the drafter with the failed items."""
    outgoing = _locked(outgoing)
    step = _pending_for(actor, outgoing, (StepKind.FORMAT,))
    _require_pdfs(outgoing)
    unknown = set(checks) - set(FORMAT_CHECKLIST)
    if unknown:
        raise ValidationFailed(f"Mục kiểm tra không có trong danh sách: {', '.join(sorted(unknown))}.")
    results = {key: bool(checks.get(key, False)) for key in FORMAT_CHECKLIST}
    failed = [FORMAT_CHECKLIST[k] for k, ok in results.items() if not ok]
    comment = _text(comment, limit=4000, label="ý kiến")
    if failed:
        text = "Chưa đúng thể thức: " + "; ".join(failed) + (f". {comment}" if comment else "")
        step.data = {"checks": results}
        step.save(update_fields=["data"])
        return outgoing_return(actor=actor, outgoing=outgoing, comment=text)
    _advance(outgoing, step, actor=actor, comment=comment, data={"checks": results})
    event_record(
        outgoing.document,
        actor=actor,
        action="format_checked",
        text=comment or "Đúng thể thức.",
        data={"checks": results, "version": outgoing.approved_version_id},
    )
    return outgoing


# --- signature, number, agency signature, issue ---------------------------------------------------


def _profile(*, user: Any = None, agency: Unit | None = None) -> Any:
    from qlvb.signing.models import SigningProfile

    profile = (
        SigningProfile.objects.filter(user=user).first()
        if user is not None
        else SigningProfile.objects.filter(agency=agency).first()
    )
    # Each message says what to do and who can do it (issue 8).
    if profile is None or not profile.method:
        raise ValidationFailed(
            "Người ký chưa có chữ ký số: hãy tải lên tệp chứng thư số (PKCS#12) hoặc chọn USB token/ký số từ xa "
            "tại trang “Chữ ký số” → “Chữ ký của tôi” (người ký tự làm)."
            if user is not None
            else "Cơ quan chưa có chữ ký số: văn thư hoặc quản trị tải lên tệp chứng thư số của cơ quan tại trang "
            "“Chữ ký số” → “Của cơ quan”.",
            code="no_signing_profile",
        )
    if not profile.image_png:
        raise ValidationFailed(
            "Chưa có ảnh chữ ký để thể hiện trên văn bản: người ký tải ảnh tại trang “Chữ ký số” → “Chữ ký của tôi”."
            if user is not None
            else "Chưa có ảnh con dấu để thể hiện trên văn bản: văn thư tải ảnh tại trang “Chữ ký số” → “Của cơ quan”.",
            code="no_signing_image",
        )
    return profile


def outgoing_sign_check(
    *, actor: Any, outgoing: Outgoing, version_id: int | None = None
) -> tuple[Outgoing, DraftVersion]:
    """The precondition of the personal signature, shared by the "Ký" button (``actions.can_act``), the
    signature with a PIN (:func:`outgoing_sign`) and the USB token at the desk (:mod:`.usbsign`): the
    right, the signing step pending for ``actor``, an approved version with its PDF. Returns the
    document and the approved version."""
    require(actor, "outgoing.sign", unit=outgoing.document.agency)
    outgoing = Outgoing.objects.select_related("document", "approved_version__pdf__blob").get(pk=outgoing.pk)
    _pending_for(actor, outgoing, (StepKind.SIGN,))
    approved = outgoing.approved_version
    if approved is None or approved.pdf is None:
        raise Conflict("Chưa có phiên bản được duyệt để ký.")
    if version_id is not None and int(version_id) != approved.pk:
        raise Conflict(
            f"Chỉ ký được phiên bản đã duyệt (phiên bản {approved.ordinal}); phiên bản được chọn chưa qua duyệt.",
            code="not_approved_version",
        )
    return outgoing, approved


def personal_signature_prepare(*, actor: Any, approved: DraftVersion, profile: Any, key: Any, pin: str) -> Any:
    """The personal signature of the approved version's PDF — one layout for every kind of key (image
    between title and name, number/date fields, agency field, certification): a signed PDF, or with a
    ``PluginKey`` the prepared signature whose hash the USB token signs."""
    from qlvb.signing.pdfsign import pdf_sign_personal

    assert approved.pdf is not None
    return pdf_sign_personal(
        pdf=_stored_bytes(approved.pdf),
        key=key,
        pin=pin,
        image_png=bytes(profile.image_png),
        signer_name=actor.full_name,
        reason="Ký ban hành văn bản",
    )


def signs_at_desk(user: Any) -> bool:
    """Whether ``user`` signs with his USB token at his desk (the "Ký" button leads to that step)."""
    from qlvb.signing.keys import KeyMethod
    from qlvb.signing.models import SigningProfile

    return SigningProfile.objects.filter(user=user, method=KeyMethod.PLUGIN).exists()


def outgoing_sign(*, actor: Any, outgoing: Outgoing, pin: str, version_id: int | None = None) -> Outgoing:
    """The signer's personal signature on the PDF of the approved version (NĐ 30 Điều 13)."""
    from qlvb.signing.keys import KeyMethod

    outgoing, approved = outgoing_sign_check(actor=actor, outgoing=outgoing, version_id=version_id)
    profile = _profile(user=actor)
    if profile.method == KeyMethod.PLUGIN:
        raise Conflict(
            "Ông/bà ký bằng USB token tại máy của mình: hãy bấm “Ký bằng USB token” trên trang văn bản.",
            code="plugin_method",
        )
    result = personal_signature_prepare(actor=actor, approved=approved, profile=profile, key=profile.key(), pin=pin)
    return outgoing_signed_record(actor=actor, outgoing=outgoing, approved=approved, pdf=result.pdf, level=result.level)


def outgoing_signed_record(
    *, actor: Any, outgoing: Outgoing, approved: DraftVersion, pdf: bytes, level: str
) -> Outgoing:
    """Record the personal signature (``pdf``: the approved version signed by ``actor``, on the server
    or on his USB token): the file, the step, state SIGNED, the event, the audit entry, the clerks told."""
    assert approved.pdf is not None
    signed = _intake_bytes(actor=actor, data=pdf, name=f"ky-{approved.pdf.name}")
    with transaction.atomic():
        outgoing = _locked(outgoing)
        step = _pending_for(actor, outgoing, (StepKind.SIGN,))
        if outgoing.approved_version_id != approved.pk:
            raise Conflict("Dự thảo vừa thay đổi; hãy ký lại phiên bản được duyệt mới.")
        _advance(outgoing, step, actor=actor, comment="", data={"level": level})
        outgoing.state, outgoing.signed_pdf, outgoing.signed_at = State.SIGNED, signed, timezone.now()
        outgoing.save(update_fields=["state", "signed_pdf", "signed_at"])
        event_record(
            outgoing.document,
            actor=actor,
            action="signed_personal",
            text=f"Ký số phiên bản {approved.ordinal} ({level}).",
            data={"version": approved.pk, "sha256": signed.blob.sha256, "level": level},
        )
        audit.record(
            "outgoing.signed",
            actor=actor,
            obj=outgoing.document,
            data={"version": approved.pk, "sha256": signed.blob.sha256},
        )
        notify_after_commit(
            users=people.clerks_of(outgoing.document.agency),
            kind="new_document",
            document_id=outgoing.pk,
            text=f"Văn bản đã ký, chờ cấp số: {outgoing.document.subject}",
        )
    return outgoing


@transaction.atomic
def outgoing_number(*, actor: Any, outgoing: Outgoing) -> Outgoing:
    """The clerk gives the number from the agency's outgoing series for the year and writes number,
    notation and the place-and-date line into the signed PDF (form filling: the personal signature
    stays valid). The document identifier follows the agency's template."""
    agency = outgoing.document.agency
    require(actor, "outgoing.number", unit=agency)
    outgoing = _locked(outgoing)
    if outgoing.number is not None:
        raise Conflict(
            f"Văn bản đã được cấp số {outgoing.document.number_notation}; không cấp số lần hai.",
            code="already_numbered",
        )
    if outgoing.state != State.SIGNED or outgoing.signed_pdf is None:
        raise Conflict("Chỉ cấp số cho văn bản đã được người có thẩm quyền ký.")
    from qlvb.signing.pdfsign import pdf_write_number

    document = outgoing.document
    today = timezone.localdate()
    series = numbering.series_for(agency=agency, doc_type=document.doc_type)
    number = numbering.number_take(series, today.year)
    code_number = numbering.number_text(number)
    notation = numbering.notation_for(agency=agency, doc_type=document.doc_type, drafting_unit=outgoing.drafting_unit)
    place = numbering.place_name(agency)
    # The fields cover the draft's whole "Số: …/…" and "<Địa danh>, ngày … tháng … năm …" runs and are
    # written in full: the draft's own place name is kept (the signer approved it); the agency's place
    # name is used only when the draft has none.
    pdf = pdf_write_number(
        pdf=_stored_bytes(outgoing.signed_pdf), number=f"{code_number}/{notation}", issue_date=today, place=place
    )
    stored = _intake_bytes(actor=actor, data=pdf, name=f"{code_number}-{notation}.pdf")
    document.code_number, document.code_notation, document.issued_date = code_number, notation, today
    document.year = today.year
    document.register = register_for(agency=agency, direction=Direction.OUTGOING, year=today.year)
    document.registered_at = timezone.now()
    document.document_identifier = numbering.identifier_for(
        agency=agency, issued=today, number=code_number, notation=notation
    )
    document.save()
    outgoing.series, outgoing.year, outgoing.number = series, today.year, number
    outgoing.numbered_at, outgoing.signed_pdf, outgoing.state = timezone.now(), stored, State.NUMBERED
    outgoing.save(update_fields=["series", "year", "number", "numbered_at", "signed_pdf", "state"])
    event_record(
        document,
        actor=actor,
        action="numbered",
        text=f"Số {document.number_notation}, {numbering.date_line(place, today)}.",
        data={"number": number, "notation": notation, "series": series.pk, "identifier": document.document_identifier},
    )
    audit.record(
        "outgoing.numbered",
        actor=actor,
        obj=document,
        data={"number_notation": document.number_notation, "identifier": document.document_identifier},
    )
    return outgoing


def outgoing_sign_agency(*, actor: Any, outgoing: Outgoing, pin: str) -> Outgoing:
    """The clerk applies the agency signature (seal image) to the document and, with the text
    appearance, to each appendix in a separate file (NĐ 30 Phụ lục I.II.8)."""
    from qlvb.signing.pdfsign import pdf_sign_agency, pdf_sign_attachment

    agency = outgoing.document.agency
    require(actor, "outgoing.number", unit=agency)
    outgoing = Outgoing.objects.select_related("document", "signed_pdf__blob").get(pk=outgoing.pk)
    if outgoing.state != State.NUMBERED or outgoing.signed_pdf is None:
        raise Conflict("Chỉ ký số của cơ quan cho văn bản đã ký và đã cấp số.")
    profile = _profile(agency=agency)
    key = profile.key()
    number = outgoing.document.number_notation
    main = pdf_sign_agency(
        pdf=_stored_bytes(outgoing.signed_pdf),
        key=key,
        pin=pin,
        seal_png=bytes(profile.image_png),
        **({"seal_diameter_mm": profile.image_width_mm} if profile.image_width_mm else {}),
    )
    main_file = _intake_bytes(actor=actor, data=main.pdf, name=f"{number.replace('/', '-')}.pdf")
    appendices = []
    for version in _latest_appendices(outgoing):
        assert version.pdf is not None
        signed = pdf_sign_attachment(pdf=_stored_bytes(version.pdf), key=key, pin=pin, number=number)
        appendices.append(_intake_bytes(actor=actor, data=signed.pdf, name=f"phu-luc-{version.ordinal}.pdf"))
    with transaction.atomic():
        outgoing = _locked(outgoing)
        if outgoing.state != State.NUMBERED:
            raise Conflict("Văn bản vừa được ký số cơ quan.")
        document = outgoing.document
        now = timezone.now()
        document.attachments.all().delete()
        for ordinal, (kind, stored) in enumerate(
            [(AttachmentKind.SIGNED, main_file), *((AttachmentKind.APPENDIX, s) for s in appendices)], start=1
        ):
            Attachment.objects.create(
                document=document,
                stored_file=stored,
                kind=kind,
                ordinal=ordinal,
                name=stored.name,
                page_count=_pdf_pages(stored),
                added_by=actor,
                added_at=now,
            )
        outgoing.signed_pdf, outgoing.state, outgoing.agency_signed_at = main_file, State.AGENCY_SIGNED, now
        outgoing.save(update_fields=["signed_pdf", "state", "agency_signed_at"])
        event_record(
            document,
            actor=actor,
            action="signed_agency",
            text=f"Ký số của cơ quan ({main.level}); {len(appendices)} phụ lục.",
            data={"sha256": main_file.blob.sha256, "appendices": [s.blob.sha256 for s in appendices]},
        )
        audit.record("outgoing.agency_signed", actor=actor, obj=document, data={"sha256": main_file.blob.sha256})
    return outgoing


def _latest_appendices(outgoing: Outgoing) -> list[DraftVersion]:
    """Every appendix upload, in order (each is a separate file signed with the text appearance)."""
    return list(outgoing.versions.filter(kind=VersionKind.APPENDIX).select_related("pdf__blob").order_by("ordinal"))


@transaction.atomic
def outgoing_issue(*, actor: Any, outgoing: Outgoing, accept_unreachable: bool = False) -> Outgoing:
    """Phát hành (NĐ 30 Điều 18): one delivery per recipient, through the exchange — electronic, waiting for
    the axis, on paper, or recorded as not reachable. The clerk has seen the summary
    (``recipients.recipients_summary``): recipients typed as text and matched to nothing are refused
    unless she accepts that they get nothing (``accept_unreachable``)."""
    from .recipients import issue_counts_text, recipients_summary

    agency = outgoing.document.agency
    require(actor, "outgoing.number", unit=agency)
    outgoing = _locked(outgoing)
    if outgoing.state in (State.ISSUED, State.REVOKED, State.REPLACED):
        raise Conflict("Văn bản đã được phát hành.")
    if outgoing.state != State.AGENCY_SIGNED:
        raise Conflict(
            "Không phát hành được văn bản chưa ký số đầy đủ (chữ ký của người có thẩm quyền, số và "
            "chữ ký số của cơ quan).",
            code="unsigned",
        )
    summary = recipients_summary(outgoing)
    groups, counts = summary["groups"], summary["counts"]
    if groups["unreachable"] and not accept_unreachable:
        names = "; ".join(x["name"] for x in groups["unreachable"])
        raise Conflict(
            f"{counts['unreachable']} nơi nhận chưa có địa chỉ liên thông nên sẽ không nhận được văn "
            f"bản: {names}. Hãy chọn cơ quan trong danh bạ, đánh dấu gửi bản giấy hoặc bỏ nơi nhận đó; "
            "hoặc xác nhận vẫn phát hành.",
            code="unreachable_recipients",
            details={"unreachable": [x["name"] for x in groups["unreachable"]]},
        )
    now = timezone.now()
    document = outgoing.document
    document.status, document.completed_at = DocumentStatus.COMPLETED, now
    document.save(update_fields=["status", "completed_at"])
    outgoing.state, outgoing.issued_at, outgoing.issued_by = State.ISSUED, now, actor
    outgoing.save(update_fields=["state", "issued_at", "issued_by"])
    units = [r.unit for r in outgoing.recipients.select_related("unit").order_by("unit__name")]
    deliveries = deliveries_send(
        document=document,
        units=units,
        also_paper=outgoing.also_paper,
        business_type=outgoing.business_type,
        paper=[x["name"] for x in groups["paper"] if x["typed"]],
        unreachable=[x["name"] for x in groups["unreachable"]],
    )
    sent = {key: counts[key] for key in ("internal", "axis", "paper", "unreachable")}
    event_record(
        document,
        actor=actor,
        action="issued",
        text=f"Phát hành {document.number_notation} tới {issue_counts_text(sent)}.",
        data={"deliveries": len(deliveries), **sent},
    )
    audit.record("outgoing.issued", actor=actor, obj=document, data={"deliveries": len(deliveries), **sent})
    if outgoing.answers_id is not None:  # the incoming document it answers learns its reply's number
        event_record(
            outgoing.answers,  # type: ignore[arg-type]
            actor=actor,
            action="answered",
            text=f"Trả lời bằng văn bản {document.number_notation}.",
            data={
                "notation": document.number_notation,
                "document_id": document.pk,
                "issued_date": document.issued_date.isoformat() if document.issued_date else "",
            },
        )
    if outgoing.replaces_id is not None:
        original = _locked(outgoing.replaces)  # type: ignore[arg-type]
        kind = BusinessType.REPLACE if outgoing.business_type == BusinessType.REPLACE else BusinessType.UPDATE
        if kind == BusinessType.REPLACE:
            original.state = State.REPLACED
            original.frozen_reason = f"Bị thay thế bởi văn bản {document.number_notation}."
            original.save(update_fields=["state", "frozen_reason"])
            deliveries_recall(
                actor=actor,
                document=original.document,
                reason=original.frozen_reason,
                business_type=BusinessType.REPLACE,
            )
        event_record(
            original.document,
            actor=actor,
            action="replaced" if kind == BusinessType.REPLACE else "updated",
            text=f"Văn bản {document.number_notation} ngày {document.issued_date:%d/%m/%Y}.",
            data={"by": document.pk},
        )
    notify_after_commit(
        users=[outgoing.drafter],
        exclude=actor,
        kind="completed",
        document_id=outgoing.pk,
        text=f"Đã phát hành {document.number_notation}: {document.subject[:200]}",
    )
    return outgoing


@transaction.atomic
def outgoing_revoke(*, actor: Any, outgoing: Outgoing, reason: str) -> Outgoing:
    """Thu hồi (NĐ 30 Điều 18.4): the original is frozen; recipients in this deployment have their copy
    withdrawn; outside recipients wait for the axis."""
    require(actor, "outgoing.revoke", unit=outgoing.document.agency)
    outgoing = _locked(outgoing)
    if outgoing.state != State.ISSUED:
        raise Conflict("Chỉ thu hồi được văn bản đã phát hành và chưa bị thu hồi, thay thế.")
    reason = _text(reason, limit=500, label="lý do thu hồi", required=True)
    outgoing.state, outgoing.frozen_reason = State.REVOKED, reason
    outgoing.save(update_fields=["state", "frozen_reason"])
    changed = deliveries_recall(actor=actor, document=outgoing.document, reason=reason)
    event_record(outgoing.document, actor=actor, action="revoked", text=reason, data={"deliveries": len(changed)})
    audit.record("outgoing.revoked", actor=actor, obj=outgoing.document, data={"reason": reason})
    return outgoing


@transaction.atomic
def outgoing_replacement_start(*, actor: Any, outgoing: Outgoing, update: bool = False) -> Outgoing:
    """Start the document that replaces (or updates) an issued one (NĐ 30 Điều 18.3): a new draft with the
    same metadata and recipients; when it is issued the original is frozen and recalled (replace)."""
    require(actor, "outgoing.draft", unit=actor.unit)
    original = Outgoing.objects.select_related("document").get(pk=outgoing.pk)
    if original.state != State.ISSUED:
        raise Conflict("Chỉ thay thế, cập nhật được văn bản đang có hiệu lực đã phát hành.")
    d = original.document
    verb = "cập nhật" if update else "thay thế"
    data = DraftData(
        doc_type=d.doc_type,
        subject=d.subject,
        signer=original.signer,
        competence=original.competence,
        signer_position=d.signer_position,
        urgency=d.urgency,
        due_date=None,
        drafter_initials=original.drafter_initials,
        copy_count=original.copy_count,
        recipients=[r.unit for r in original.recipients.select_related("unit")],
        free_recipients=original.free_recipients,
        paper_recipients=original.paper_recipients,
        description=f"{verb.capitalize()} văn bản {d.number_notation}",
    )
    new = outgoing_create(actor=actor, data=data)
    new.replaces = original
    new.business_type = BusinessType.UPDATE if update else BusinessType.REPLACE
    new.save(update_fields=["replaces", "business_type"])
    return new
