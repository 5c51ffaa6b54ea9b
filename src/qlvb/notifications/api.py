"""``/api/v1/incoming/notifications...``: one's own notifications, the unread count, opening one and
marking all read (the paths are the ones they had when incoming held them; operation ids unchanged)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from qlvb.assignments.selectors import notifications_for, notifications_unread_count
from qlvb.assignments.services import notifications_mark_read
from qlvb.core.bounds import Id

from .links import notification_open, notification_url

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    document_id: int | None
    url: str = ""
    created_at: dt.datetime
    read: bool


@router.get(
    "",
    response=list[NotificationOut],
    summary="Thông báo gần nhất (50)",
    operation_id="qlvb_incoming_api_notifications",
)
def notifications(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": n.pk,
            "kind": n.kind,
            "text": n.text,
            "document_id": n.document_id,
            "url": notification_url(n),
            "created_at": n.created_at,
            "read": n.read_at is not None,
        }
        for n in notifications_for(request.user)[:50]
    ]


@router.get(
    "/unread",
    response=dict[str, int],
    summary="Số thông báo chưa đọc",
    operation_id="qlvb_incoming_api_notifications_unread",
)
def notifications_unread(request: HttpRequest) -> dict[str, int]:
    return {"unread": notifications_unread_count(request.user)}


@router.post(
    "/{int:notification_id}/read",
    response=dict[str, int | str],
    summary="Mở một thông báo: đánh dấu đã đọc, trả về trang của văn bản",
    operation_id="qlvb_incoming_api_notification_read",
)
def notification_read(request: HttpRequest, notification_id: Id) -> dict[str, int | str]:
    found = notification_open(actor=request.user, pk=notification_id)
    return {"id": found.pk, "url": notification_url(found)}


@router.post(
    "/read",
    response=dict[str, int],
    summary="Đánh dấu đã đọc tất cả",
    operation_id="qlvb_incoming_api_notifications_read",
)
def notifications_read(request: HttpRequest) -> dict[str, int]:
    return {"marked": notifications_mark_read(actor=request.user)}
