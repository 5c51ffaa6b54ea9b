"""A received update (edXML ``BussinessDocType`` 2, "cập nhật") of a document we hold (docs/axis.md,
"Received update").

- Our copy **not yet registered** (chờ vào sổ): its Phụ lục VI metadata takes the update's values (the
  fields the package fills; the DocumentId, the sender's code and the secrecy stay — a secrecy marking
  refuses the package), the files too when the package carries any (the old ones stay, superseded); one
  ``updated_by_sender`` event — "Đã cập nhật theo văn bản cập nhật của bên gửi" — keeps every old and new
  value. Answered 15.
- Our copy **registered** (or further on): nothing changes by itself — a document in the register is the
  clerk's. The update is recorded (``update_received``, with the new values), the clerks are told to
  review it and correct the document themselves, and the sender is answered 16 with that explanation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from qlvb.assignments.notify import notify_after_commit
from qlvb.core.errors import DomainError
from qlvb.directory import people
from qlvb.directory.models import Unit
from qlvb.documents.events import event_record
from qlvb.documents.models import Document, DocumentStatus, DocumentType
from qlvb.documents.searchindex import document_text_index_after_commit
from qlvb.incoming.attaching import IncomingFile, attachments_add
from qlvb.incoming.fields import label
from qlvb.incoming.receiving import IncomingData, clean_data

from .edxml import model as m

# What an update may change on a copy not yet registered (the identity — DocumentId, sender's code — stays).
UPDATED_FIELDS = (
    "doc_type",
    "code_number",
    "code_notation",
    "issued_date",
    "organ_name",
    "subject",
    "signer_position",
    "signer_name",
    "urgency",
    "page_amount",
    "due_date",
    "to_places",
)
APPLIED_TEXT = "Đã cập nhật theo văn bản cập nhật của bên gửi"
REVIEW_TEXT = "Văn bản đã vào sổ: văn thư xem xét bản cập nhật, không cập nhật tự động"


class UpdateRefusedError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, DocumentType):
        return value.name
    return str(value)


def _stored(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, DocumentType):
        return value.name
    return value


def _wanted(copy: Document, update: IncomingData, *, edoc: m.Edoc) -> dict[str, tuple[Any, Any]]:
    """The fields the update fills and that differ from our copy: name → (old, new). A value the package
    leaves empty keeps ours (lenient, as the field is: an update often repeats only what changed)."""
    current = IncomingData.of(copy)
    for name in UPDATED_FIELDS:
        new = getattr(update, name)
        if new in ("", None) or (name == "urgency" and not edoc.header.other_info.priority):
            continue
        setattr(current, name, new)
    current = clean_data(current)  # lengths, ranges, secrecy refused
    return {
        name: (getattr(copy, name), getattr(current, name))
        for name in UPDATED_FIELDS
        if getattr(current, name) != getattr(copy, name)
    }


def _files_replace(copy: Document, files: list[IncomingFile]) -> list[str]:
    """The package's files take the place of ours (ours stay, superseded). Returns the new names."""
    copy.attachments.filter(superseded_at__isnull=True).update(superseded_at=timezone.now())
    added = attachments_add(actor=None, document=copy, files=files, checked=True)
    return [a.name for a in added]


def update_apply(
    copy: Document, *, agency: Unit, edoc: m.Edoc, data: IncomingData, files: list[IncomingFile], sender: str
) -> tuple[str, str]:
    """Apply a received update to our copy (see the module). Returns the status to answer and its text.
    Raises :class:`UpdateRefusedError` when the update's values cannot be taken (a secrecy marking, a value
    past its limit)."""
    copy = Document.objects.select_for_update().get(pk=copy.pk)
    reason = edoc.bussiness.bussiness_doc_reason if edoc.bussiness else ""
    try:
        diff = _wanted(copy, data, edoc=edoc)
    except DomainError as exc:
        raise UpdateRefusedError(exc.message) from None
    if copy.status != DocumentStatus.RECEIVED:
        _review(copy, agency=agency, diff=diff, files=files, sender=sender, reason=reason)
        return "16", REVIEW_TEXT
    for name, (_old, new) in diff.items():
        setattr(copy, name, new)
    if diff:
        copy.save(update_fields=list(diff))
    names = _files_replace(copy, files) if files else []
    lines = [f"{label(n)}: {_shown(old)} → {_shown(new)}" for n, (old, new) in diff.items()]
    if names:
        lines.append(f"Tệp: {', '.join(names)}")
    event_record(
        copy,
        actor=None,
        action="updated_by_sender",
        text=f"{APPLIED_TEXT} ({sender}{': ' + reason if reason else ''}). " + ("; ".join(lines) or "Không đổi gì."),
        data={
            "changes": {n: [_stored(old), _stored(new)] for n, (old, new) in diff.items()},
            "files": names,
            "reason": reason,
            "channel": "axis",
        },
    )
    document_text_index_after_commit(copy.pk)
    return "15", APPLIED_TEXT


def _review(
    copy: Document,
    *,
    agency: Unit,
    diff: dict[str, tuple[Any, Any]],
    files: list[IncomingFile],
    sender: str,
    reason: str,
) -> None:
    """A registered copy: the update is recorded for the clerk, nothing changes by itself."""
    lines = [f"{label(n)}: {_shown(old)} → {_shown(new)}" for n, (old, new) in diff.items()]
    if files:
        lines.append(f"Tệp mới: {', '.join(f.stored_file.name for f in files)}")
    event_record(
        copy,
        actor=None,
        action="update_received",
        text=f"Bên gửi ({sender}) gửi văn bản cập nhật{': ' + reason if reason else ''}. Văn bản đã vào sổ nên "
        "không tự cập nhật; văn thư xem xét và sửa thông tin nếu cần. " + "; ".join(lines),
        data={
            "changes": {n: [_stored(old), _stored(new)] for n, (old, new) in diff.items()},
            "files": [f.stored_file.pk for f in files],
            "reason": reason,
        },
    )
    notify_after_commit(
        users=people.clerks_of(agency),
        kind="new_document",
        document_id=copy.pk,
        text=f"Văn bản {copy.code_number}/{copy.code_notation} có bản cập nhật của bên gửi: cần xem xét"[:500],
    )
