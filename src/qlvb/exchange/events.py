"""The document events of the exchange (both ends of a delivery), declared into ``documents.events``."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from qlvb.documents.events import events_declare

EXCHANGE_EVENTS: dict[str, str] = {
    "rejected": gettext_noop("Từ chối tiếp nhận văn bản"),  # also declared by incoming (its own refusal)
    "recalled": gettext_noop("Văn bản bị cơ quan ban hành thu hồi"),
    "delivery_status": gettext_noop("Cập nhật trạng thái nơi nhận"),
    "updated_by_sender": gettext_noop("Đã cập nhật theo văn bản cập nhật của bên gửi"),
    "update_received": gettext_noop("Bên gửi gửi văn bản cập nhật (văn thư xem xét)"),
}

events_declare(EXCHANGE_EVENTS)
