"""Every kind of document event, with its Vietnamese label, and the one function that records them."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from .models import Document, DocumentEvent

EVENTS: dict[str, str] = {
    "received": "Tiếp nhận văn bản",
    "registered": "Vào sổ văn bản đến",
    "duplicate_confirmed": "Xác nhận tiếp nhận văn bản trùng",
    "file_attached": "Đính kèm tệp",
    "submitted": "Trình lãnh đạo",
    "returned_to_clerk": "Trả lại văn thư",
    "directed": "Cho ý kiến chỉ đạo",
    "self_handled": "Lãnh đạo trực tiếp xử lý",
    "routed": "Văn thư chuyển đơn vị xử lý",
    "assigned": "Phân công trong phòng",
    "assignment_returned": "Trả lại phân công",
    "progress": "Cập nhật tiến độ",
    "opinion": "Ý kiến xử lý",
    "assignment_done": "Hoàn thành phần việc",
    "completed": "Hoàn thành xử lý văn bản",
    "extension_requested": "Đề nghị gia hạn",
    "extension_granted": "Đồng ý gia hạn",
    "extension_refused": "Từ chối gia hạn",
    "reminded": "Đôn đốc",
    "rejected": "Từ chối tiếp nhận văn bản",
    "signature_checked": "Kiểm tra chữ ký số",
}


def event_record(document: Document, *, actor: Any, action: str, text: str = "",
                 data: dict[str, Any] | None = None) -> DocumentEvent:
    """Append one event in the caller's transaction (a rolled-back action leaves none)."""
    if action not in EVENTS:
        raise ValueError(f"undeclared document event {action!r}")
    unit = getattr(actor, "unit", None) if actor is not None else None
    return DocumentEvent.objects.create(
        document=document, actor=actor, actor_name=(getattr(actor, "full_name", "") or str(actor or ""))[:150],
        actor_unit=(unit.name if unit is not None else "")[:255], action=action, text=text, data=data or {},
        created_at=timezone.now(),
    )


def event_label(action: str) -> str:
    return EVENTS.get(action, action)
