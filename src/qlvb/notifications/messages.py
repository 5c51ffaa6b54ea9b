"""What a stored notification becomes as a push: its kind (as a person chooses them), the payload the
service worker shows (title, body, tag, urgency, the page to open), or nothing — when the person turned
that kind off, may no longer see the document, or has no device. During the person's quiet hours a push
is held (fanout.py, held.py) unless the document is khẩn, thượng khẩn or hỏa tốc."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from qlvb.assignments.models import Notification, NotificationKind
from qlvb.documents.models import Direction, DocumentStatus, Urgency
from qlvb.incoming.selectors import documents_visible_to
from qlvb.outgoing.selectors import outgoing_visible_to

from .links import notification_url
from .models import PushKind, PushPreference
from .preferences import in_quiet_hours, quiet_hours_end

# The lock screen, unless the person allows the subject (trích yếu) to show.
HIDDEN_BODY = "Bạn có văn bản mới"

_BY_KIND = {
    NotificationKind.ASSIGNED: PushKind.DIRECTIVE,
    NotificationKind.EXTENSION: PushKind.DIRECTIVE,
    NotificationKind.COMPLETED: PushKind.DIRECTIVE,
    NotificationKind.ACCEPTANCE: PushKind.DIRECTIVE,
    NotificationKind.REMINDER: PushKind.REMINDER,
    NotificationKind.DUE_SOON: PushKind.DEADLINE,
    NotificationKind.OVERDUE: PushKind.DEADLINE,
    NotificationKind.CALENDAR: PushKind.CALENDAR,
    NotificationKind.ANNOUNCEMENT: PushKind.ANNOUNCEMENT,
    NotificationKind.REPLY: PushKind.REPLY,
    NotificationKind.SECURITY: PushKind.OTHER,
    NotificationKind.SYSTEM: PushKind.OTHER,
}


def push_kind(notification: Notification) -> PushKind:
    """A new document is one to register when incoming, one waiting for the leader (submitted incoming,
    outgoing to approve or sign) otherwise; a draft sent back belongs with approvals; every other kind maps
    one to one."""
    document = notification.document
    outgoing = document is not None and document.direction == Direction.OUTGOING
    if notification.kind == NotificationKind.NEW_DOCUMENT:
        if document is None:
            return PushKind.OTHER
        if outgoing or document.status == DocumentStatus.SUBMITTED:  # a leader's opinion, approval, signature
            return PushKind.APPROVAL
        return PushKind.REGISTER
    if notification.kind == NotificationKind.RETURNED:
        return PushKind.APPROVAL if outgoing else PushKind.DIRECTIVE
    return _BY_KIND.get(NotificationKind(notification.kind), PushKind.OTHER)


def urgency_of(notification: Notification) -> str:
    """RFC 8030 §5.3: "high" for hỏa tốc and thượng khẩn documents and account security, else "normal"."""
    if notification.kind == NotificationKind.SECURITY:
        return "high"
    document = notification.document
    if document is not None and document.urgency >= Urgency.VERY_URGENT:
        return "high"
    return "normal"


def may_see(notification: Notification) -> bool:
    """The person may still open what the notification names (checked again when it is pushed)."""
    user, document = notification.user, notification.document
    if not user.is_active:
        return False
    if document is None:
        return True
    if document.direction == Direction.OUTGOING:
        return outgoing_visible_to(user).filter(pk=document.pk).exists()
    return documents_visible_to(user).filter(pk=document.pk).exists()


def breaks_quiet_hours(notification: Notification) -> bool:
    """Khẩn, thượng khẩn and hỏa tốc documents go at once, quiet hours or not."""
    document = notification.document
    return document is not None and document.urgency >= Urgency.URGENT


def held_until(notification: Notification, preference: PushPreference, *, now: Any) -> Any:
    """When the person's quiet hours are on and the document is not urgent: the end of those hours (the push
    is held until then); None: push now."""
    if breaks_quiet_hours(notification) or not in_quiet_hours(preference, timezone.localtime(now).time()):
        return None
    return quiet_hours_end(preference, now)


@dataclass(frozen=True)
class Push:
    user_id: int
    payload: bytes
    urgency: str


def push_of(notification: Notification, preference: PushPreference) -> Push | None:
    """The push of one notification (quiet hours are the caller's: ``held_until``)."""
    kind = push_kind(notification)
    if kind in (preference.kinds_off or []):
        return None
    document = notification.document
    flash = document is not None and document.urgency == Urgency.FLASH
    if not may_see(notification):
        return None
    title = f"HỎA TỐC · {kind.label}" if flash else str(kind.label)
    urgency = urgency_of(notification)
    body = notification.text if preference.show_subject else HIDDEN_BODY
    payload = {
        "title": str(title),
        "body": body,
        "tag": f"qlvb-doc-{document.pk}" if document is not None else f"qlvb-{notification.pk}",
        "url": notification_url(notification) or "/van-ban-den/thong-bao/",
        "urgency": urgency,
        "kind": kind.value,
        "id": notification.pk,
        "timestamp": int(notification.created_at.timestamp() * 1000),
    }
    return Push(notification.user_id, json.dumps(payload, ensure_ascii=False).encode("utf-8"), urgency)
