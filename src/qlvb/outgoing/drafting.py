"""Drafting (NĐ 30 Điều 10): the draft's metadata — create, change, what changed (the chain starts again
after a change, NĐ 30 Điều 11)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from qlvb.core.errors import ValidationFailed
from qlvb.core.locks import row_locked
from qlvb.core.permissions import has, require
from qlvb.core.text import nfc, text_clean
from qlvb.directory.models import Unit, User
from qlvb.documents.events import event_record
from qlvb.documents.models import (
    MAX,
    Direction,
    Document,
    DocumentStatus,
    DocumentType,
    Urgency,
)
from qlvb.documents.secrecy import secrecy_refuse
from qlvb.documents.sending import recipient_check
from qlvb.documents.visibility import documents_visible_to

from . import policies
from .approval import _restart_if_approved
from .draft_state import _agency_of, _metadata
from .errors import ErrorCode
from .models import (
    Competence,
    Outgoing,
    Recipient,
    StepKind,
    StepStatus,
    TypeSetting,
)
from .preconditions import outgoing_change_check


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
    assigns_tasks: bool = False  # "văn bản giao nhiệm vụ": once issued, followed as tasks per recipient


def _clean(data: DraftData, *, agency: Unit, actor: User, keep_due_date: dt.date | None = None) -> DraftData:
    """``keep_due_date``: the due date the draft already has (editing other fields of a draft whose reply
    due date has passed since is not refused for it)."""
    secrecy_refuse(data.secrecy)
    if not data.doc_type.is_active:
        raise ValidationFailed("Loại văn bản này không còn được dùng.")
    data.subject = _subject(data)
    if data.competence not in Competence.values:
        raise ValidationFailed("Thẩm quyền ký phải là TM., KT., TL., TUQ., Q. hoặc ký trực tiếp.")
    _check_signer(data.signer, agency=agency)
    data.signer_position = text_clean(
        data.signer_position or data.signer.position, limit=MAX["signer_position"], label="chức vụ người ký"
    )
    if data.urgency not in Urgency.values:
        raise ValidationFailed("Độ khẩn không hợp lệ.")
    if not 1 <= int(data.copy_count) <= 999:
        raise ValidationFailed("Số lượng bản phải từ 1 đến 999.")
    data.drafter_initials = text_clean(data.drafter_initials, limit=20, label="ký hiệu người soạn thảo")
    data.free_recipients = "\n".join(
        recipient_lines(text_clean(data.free_recipients, limit=MAX["to_places"], label="nơi nhận khác"))
    )
    data.paper_recipients = "\n".join(
        recipient_lines(text_clean(data.paper_recipients, limit=MAX["to_places"], label="nơi nhận gửi bản giấy"))
    )
    data.description = text_clean(data.description, limit=MAX["description"], label="ghi chú")
    if data.due_date is not None and data.due_date < timezone.localdate() and data.due_date != keep_due_date:
        raise ValidationFailed(
            f"Hạn trả lời {data.due_date:%d/%m/%Y} đã qua: hãy chọn hôm nay hoặc một ngày sau "
            "(hoặc để trống nếu không cần trả lời).",
            code=ErrorCode.PAST_DATE,
        )
    _check_recipients(data, agency=agency)
    if data.answers is not None:
        answered = documents_visible_to(actor, Direction.INCOMING)
        if not answered.filter(pk=data.answers.pk, agency=agency).exists():
            raise ValidationFailed("Không tìm thấy văn bản đến được trả lời.")
    return data


def _subject(data: DraftData) -> str:
    """The subject; a công văn's starts with "V/v" (NĐ 30 Phụ lục I)."""
    subject = text_clean(data.subject, limit=MAX["subject"], label="trích yếu nội dung", required=True)
    if not data.doc_type.abbreviation and data.doc_type.name == "Công văn" and not subject.lower().startswith("v/v"):
        subject = (
            f"V/v {subject[:1].lower()}{subject[1:]}"
            if subject[:1].isupper() and subject[1:2].islower()
            else f"V/v {subject}"
        )
    return subject[: MAX["subject"]]


def _check_signer(signer: User, *, agency: Unit) -> None:
    if (
        not signer.is_active
        or signer.unit is None
        or (signer.unit.agency_id or signer.unit.pk) != agency.pk
        or not has(signer, policies.SIGN, unit=agency)
    ):
        raise ValidationFailed(f"{signer.full_name} không phải là lãnh đạo có thẩm quyền ký của cơ quan.")


def _check_recipients(data: DraftData, *, agency: Unit) -> None:
    seen: set[int] = set()
    for unit in data.recipients:
        recipient_check(unit, sender=agency)
        if unit.pk in seen:
            raise ValidationFailed(f"{unit.name} được chọn hai lần.")
        seen.add(unit.pk)
    if not data.recipients and not data.free_recipients and not data.paper_recipients:
        raise ValidationFailed("Cần chọn ít nhất một nơi nhận.")


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
def outgoing_create(*, actor: User, data: DraftData) -> Outgoing:
    """An officer starts an outgoing document (NĐ 30 Điều 10); the draft file comes with
    :func:`version_upload`."""
    agency = _agency_of(actor)
    assert actor.unit is not None  # _agency_of refuses an actor without a unit
    require(actor, policies.DRAFT, unit=actor.unit)
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
        assigns_tasks=data.assigns_tasks,
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
def outgoing_update(*, actor: User, outgoing: Outgoing, data: DraftData) -> Outgoing:
    """Change the metadata. After any approval the chain starts again (NĐ 30 Điều 11)."""
    outgoing = row_locked(outgoing, related=("document",))
    outgoing_change_check(actor, outgoing)
    agency = outgoing.document.agency
    data = _clean(data, agency=agency, actor=actor, keep_due_date=outgoing.document.due_date)
    before = _metadata(outgoing)
    document = outgoing.document
    document.doc_type, document.subject, document.description = data.doc_type, data.subject, data.description
    document.signer_name, document.signer_position = data.signer.full_name[:50], data.signer_position
    document.urgency, document.due_date, document.to_places = data.urgency, data.due_date, _to_places(data)
    document.assigns_tasks = data.assigns_tasks
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


def _changed(actor: User, outgoing: Outgoing, before: dict[str, Any], *, restart: bool = True) -> Outgoing:
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
