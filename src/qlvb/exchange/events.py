"""The document events of the exchange (both ends of a delivery), declared into ``documents.events``."""

from __future__ import annotations

from qlvb.documents.events import events_declare

EXCHANGE_EVENTS: dict[str, str] = {
    "rejected": "Từ chối tiếp nhận văn bản",  # also declared by incoming (its own refusal)
    "recalled": "Văn bản bị cơ quan ban hành thu hồi",
    "delivery_status": "Cập nhật trạng thái nơi nhận",
    "updated_by_sender": "Đã cập nhật theo văn bản cập nhật của bên gửi",
    "update_received": "Bên gửi gửi văn bản cập nhật (văn thư xem xét)",
}

events_declare(EXCHANGE_EVENTS)
