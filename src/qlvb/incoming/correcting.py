"""Correcting a received document's metadata after registration. Every change is one ``metadata_corrected``
event with the old and the new value of each field; the registration itself (register, arrival number and
date, year) is never changed: it belongs to the register, which has no gaps and no duplicates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from qlvb.core.errors import ValidationFailed
from qlvb.directory.models import User
from qlvb.documents.events import event_record
from qlvb.documents.models import Document, DocumentType, Urgency

from .errors import ErrorCode
from .fields import CORRECTABLE, label
from .preconditions import check_correct
from .receiving import IncomingData, clean_data, refuse_past_due

EDITABLE = CORRECTABLE
REGISTRATION = {"register": "sổ đăng ký", "arrival_number": "số đến", "arrival_date": "ngày đến", "year": "năm"}


def _shown(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "có" if value else "không"
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, DocumentType):
        return value.name
    if name == "urgency":
        return str(Urgency(value).label)
    return str(value)


def _stored(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, DocumentType):
        return value.name
    return value


@transaction.atomic
def incoming_correct(*, actor: User, document: Document, changes: dict[str, Any]) -> Document:
    """The clerk corrects metadata (Phụ lục VI fields) of a received document. Only the fields that really
    change are written and recorded; a new "thời hạn giải quyết" may not lie in the past."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    check_correct(actor, document)
    changes = dict(changes)
    flag = changes.pop("assigns_tasks", None)
    fixed = [REGISTRATION[k] for k in changes if k in REGISTRATION]
    if fixed:
        raise ValidationFailed(
            f"Không sửa được {', '.join(fixed)}: số đến do sổ đăng ký cấp, không có số trùng, không có số bỏ trống.",
            code=ErrorCode.REGISTRATION_FIXED,
        )
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ValidationFailed(f"Không sửa được trường: {', '.join(unknown)}.")
    data = IncomingData.of(document)
    for name, value in changes.items():
        if value is None and isinstance(getattr(data, name), str):
            value = ""
        if value is None and name in ("doc_type", "urgency"):
            raise ValidationFailed(f"Cần chọn {label(name).lower()}.", details={"field": name})
        setattr(data, name, value)
    data = clean_data(data)
    diff = {
        name: (getattr(document, name), getattr(data, name))
        for name in EDITABLE
        if getattr(data, name) != getattr(document, name)
    }
    if flag is not None and bool(flag) != document.assigns_tasks:
        diff["assigns_tasks"] = (document.assigns_tasks, bool(flag))
    if not diff:
        raise ValidationFailed("Không có thông tin nào thay đổi.")
    if "due_date" in diff:
        refuse_past_due(data.due_date)
    for name, (_old, new) in diff.items():
        setattr(document, name, new)
    document.save(update_fields=list(diff))
    event_record(
        document,
        actor=actor,
        action="metadata_corrected",
        text="; ".join(f"{label(n)}: {_shown(n, old)} → {_shown(n, new)}" for n, (old, new) in diff.items()),
        data={"changes": {n: [_stored(old), _stored(new)] for n, (old, new) in diff.items()}},
    )
    return document
